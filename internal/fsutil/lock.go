package fsutil

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/gofrs/flock"
)

// LockFileName is the lock file Lock creates in a folder. It is never
// removed: deleting a lock file while another process waits on it would let
// two processes hold "the" lock at once.
const LockFileName = ".lock"

// lockTimeout is how long Lock waits; a variable so tests can shorten it.
var lockTimeout = 10 * time.Second

// lockRetry is how often a waiting Lock tries again.
const lockRetry = 25 * time.Millisecond

// Lock takes an exclusive lock on dir (creating dir with mode 0700 if it is
// missing) so that two rtdev runs cannot interleave their writes to a CA or
// project folder. It waits up to about ten seconds, then fails with an error
// that names the lock file. The returned function releases the lock.
func Lock(dir string) (unlock func() error, err error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("lock %s: %w", dir, err)
	}
	path := filepath.Join(dir, LockFileName)
	fl := flock.New(path, flock.SetPermissions(0o600))
	ctx, cancel := context.WithTimeout(context.Background(), lockTimeout)
	defer cancel()
	ok, err := fl.TryLockContext(ctx, lockRetry)
	if err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	if !ok {
		return nil, &LockTimeoutError{Path: path, Waited: lockTimeout}
	}
	return fl.Unlock, nil
}

// LockTimeoutError means another process held the lock for too long.
type LockTimeoutError struct {
	Path   string
	Waited time.Duration
}

func (e *LockTimeoutError) Error() string {
	return fmt.Sprintf("lock %s: another rtdev run still holds it after %s; retry when it has finished", e.Path, e.Waited)
}

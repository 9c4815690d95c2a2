//go:build !windows

package trust

import (
	"crypto/sha1"
	"errors"
)

// errNoCrypt32 is returned when the Windows store is reached on another OS,
// which only happens with Env.GOOS forced to "windows" and no fake store.
var errNoCrypt32 = errors.New("the Windows certificate store is only reachable on Windows")

type noRootStore struct{}

func platformRootStore() rootStore { return noRootStore{} }

func (noRootStore) Has([sha1.Size]byte) (bool, error)    { return false, errNoCrypt32 }
func (noRootStore) Add([]byte) error                     { return errNoCrypt32 }
func (noRootStore) Delete([sha1.Size]byte) (bool, error) { return false, errNoCrypt32 }

package project

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/rtdev/rtdev/internal/fsutil"
)

// DirError is a project or CA folder that rtdev refuses to write keys into.
type DirError struct {
	Path   string
	Reason string
	Fix    string
}

func (e *DirError) Error() string { return e.Path + " " + e.Reason }

// Hint is the command or step that fixes it.
func (e *DirError) Hint() string { return e.Fix }

// CheckDirs refuses the folders before anything is written:
//   - a .rtdev that is a symbolic link: a committed `.rtdev -> public` would
//     put key.pem in a served or tracked folder;
//   - a CA folder inside the project's .rtdev (or the reverse): the CA
//     signs for every project of its user, and the two locks would be one
//     file, so the run would wait on itself.
func CheckDirs(lay Layout, caDir string) error {
	fi, err := os.Lstat(lay.Dir)
	switch {
	case err == nil && fi.Mode()&fs.ModeSymlink != 0:
		target, _ := os.Readlink(lay.Dir)
		return &DirError{Path: lay.Dir,
			Reason: fmt.Sprintf("is a symbolic link (to %s); rtdev writes the project's private key there, so it must be a real folder", target),
			Fix:    fmt.Sprintf("remove the link %s (and drop it from git), then run rtdev init", lay.Dir)}
	case err == nil && !fi.IsDir():
		return &DirError{Path: lay.Dir, Reason: "is not a folder", Fix: fmt.Sprintf("move %s away, then run rtdev init", lay.Dir)}
	case err != nil && !errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("check %s: %w", lay.Dir, err)
	}
	if caDir == "" {
		return nil
	}
	proj, cadir := fsutil.Resolve(lay.Dir), fsutil.Resolve(caDir)
	if fsutil.Within(proj, cadir) || fsutil.Within(cadir, proj) {
		return &DirError{Path: caDir,
			Reason: fmt.Sprintf("is the CA folder (RTDEV_CAROOT) and overlaps the project's %s folder; the CA belongs to you, not to one project", DirName),
			Fix:    "unset RTDEV_CAROOT to use the default CA folder, or point it outside every project"}
	}
	return nil
}

package project

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"runtime"
)

// A container that serves TLS runs as whatever user its image chose, often
// not the developer's uid, and a bind mount keeps the host file's owner and
// mode: the 0600 key.pem is unreadable there. rtdev never loosens key.pem
// itself. Instead `rtdev snippet compose --write` asks for
// Layout.GroupKey, a copy readable by the developer's own group (0640, no
// access for others), and the compose override adds that group to the
// services that mount it (group_add). Only the leaf key is copied: the CA
// key stays in the user's CA folder and never reaches a container.

// GroupKeyMode is the mode of Layout.GroupKey: owner read-write, group read.
const GroupKeyMode fs.FileMode = 0o640

// WriteGroupKey makes Layout.GroupKey a copy of the leaf key owned by group
// gid with GroupKeyMode, and returns whether it changed anything. gid must
// be a group the developer is in (chgrp refuses others). From then on every
// renewal keeps the copy in step (writeCertSet). Off Unix, where group ids
// do not exist, the copy is written without them.
func WriteGroupKey(lay Layout, gid int) (bool, error) {
	key, err := os.ReadFile(lay.Key)
	if err != nil {
		return false, fmt.Errorf("read %s: %w", lay.Key, err)
	}
	changed, err := WriteIfChanged(lay.GroupKey, key, GroupKeyMode)
	if err != nil {
		return false, err
	}
	fixed, err := fixGroupKeyMode(lay.GroupKey, gid)
	return changed || fixed, err
}

// fixGroupKeyMode gives path group gid and GroupKeyMode: the atomic write
// makes a new file with the creator's primary group and the umask applied.
func fixGroupKeyMode(path string, gid int) (bool, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return false, err
	}
	changed := false
	if runtime.GOOS != "windows" {
		if g, ok := fileGID(fi); ok && gid >= 0 && g != gid {
			if err := os.Chown(path, -1, gid); err != nil {
				return false, fmt.Errorf("give %s to group %d: %w", path, gid, err)
			}
			changed = true
		}
	}
	if fi.Mode().Perm() != GroupKeyMode {
		if err := os.Chmod(path, GroupKeyMode); err != nil {
			return false, fmt.Errorf("chmod %s: %w", path, err)
		}
		changed = true
	}
	return changed, nil
}

// syncGroupKey refreshes Layout.GroupKey after the leaf key changed, keeping
// its group, when the developer asked for the copy once; it never creates it.
func syncGroupKey(lay Layout, res *EnsureResult) error {
	fi, err := os.Stat(lay.GroupKey)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("stat %s: %w", lay.GroupKey, err)
	}
	gid, ok := fileGID(fi)
	if !ok {
		gid = -1
	}
	wrote, err := WriteGroupKey(lay, gid)
	if err != nil {
		return err
	}
	if wrote {
		res.Written = append(res.Written, lay.GroupKey)
	}
	return nil
}

//go:build !unix

package project

import "io/fs"

// fileGID reports no group: files have none here.
func fileGID(fs.FileInfo) (int, bool) { return 0, false }

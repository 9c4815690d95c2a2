// Package fsutil holds the two file-system guarantees every rtdev writer
// relies on: WriteFileAtomic, so a crash or a full disk never leaves half a
// key or half a config behind, and Lock, so two rtdev runs at once cannot
// interleave their writes to a CA or project folder.
//
// They live here, below ca, project, trust, cmd and bench, because all of
// those write files; none of them should need the CA package to do so.
// The package never prints and never exits; errors are wrapped and
// lowercase.
package fsutil

// Command dist writes rtdev's release archives: `make dist` runs it as
//
//	go run ./scripts/dist -version 1.2.3 -out dist
//
// It builds rtdev for each target with CGO_ENABLED=0, packs the binary and
// README.md into dist/rtdev_VERSION_OS_ARCH.tar.gz (.zip for Windows) and
// writes dist/checksums.txt in goreleaser's layout, so the project can move
// to goreleaser without changing what the onboarding script reads.
//
// The archives are written here with archive/tar, archive/zip and
// compress/gzip rather than by GNU tar and gzip because every header field
// is then set by this file (time, owner, mode, order, no gzip name or time)
// and nothing depends on the tar, gzip or umask of the machine: two builds
// of one commit from any clone path, with any build cache, give the same
// bytes. The binaries are made reproducible by -trimpath, -buildvcs=false,
// an empty build id and the version stamped with -X.
//
// A release holds only what git tracks, so both runs need a git clone. make
// dist refuses a tree with an untracked or ignored file under anything a
// //go:embed directive names (found by reading the directives for every
// target), listing the files and the git clean commands that show and
// remove them; make npm (-npm) packs the rtdev package from the files git
// tracks under npm/rtdev, never from the folder as it lies on disk.
package main

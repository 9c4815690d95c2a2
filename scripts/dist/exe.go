package main

import (
	"bytes"
	"debug/elf"
	"debug/macho"
	"debug/pe"
	"fmt"
)

// checkExecutable checks that bin is an executable of t's format and
// machine, so an archive named for arm64 never holds an amd64 binary.
func checkExecutable(t Target, bin []byte) error {
	r := bytes.NewReader(bin)
	var got string
	switch t.OS {
	case "linux":
		f, err := elf.NewFile(r)
		if err != nil {
			return fmt.Errorf("not an ELF binary: %w", err)
		}
		got = map[elf.Machine]string{elf.EM_X86_64: "amd64", elf.EM_AARCH64: "arm64"}[f.Machine]
	case "darwin":
		f, err := macho.NewFile(r)
		if err != nil {
			return fmt.Errorf("not a Mach-O binary: %w", err)
		}
		got = map[macho.Cpu]string{macho.CpuAmd64: "amd64", macho.CpuArm64: "arm64"}[f.Cpu]
	case "windows":
		f, err := pe.NewFile(r)
		if err != nil {
			return fmt.Errorf("not a PE binary: %w", err)
		}
		got = map[uint16]string{pe.IMAGE_FILE_MACHINE_AMD64: "amd64", pe.IMAGE_FILE_MACHINE_ARM64: "arm64"}[f.Machine]
	default:
		return fmt.Errorf("unknown OS %q", t.OS)
	}
	if got != t.Arch {
		return fmt.Errorf("the binary is for %q, not %s", got, t.Arch)
	}
	return nil
}

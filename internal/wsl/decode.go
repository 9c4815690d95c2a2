package wsl

import (
	"bytes"
	"strings"
	"unicode/utf16"
)

// maxOutput bounds what rtdev reads of a Windows program's answer.
const maxOutput = 256 << 10

// Decode turns what a Windows program printed into text with "\n" line
// ends. Windows PowerShell writes CRLF in the console code page, and
// redirected or `wsl.exe` output can be UTF-16LE, with or without a byte
// order mark; NUL bytes are what UTF-16 looks like when read as bytes.
// The scripts print ASCII only, so any other byte is kept as it is.
func Decode(b []byte) string {
	if len(b) > maxOutput {
		b = b[:maxOutput]
	}
	switch {
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE}):
		b = utf16le(b[2:])
	case bytes.HasPrefix(b, []byte{0xEF, 0xBB, 0xBF}):
		b = b[3:]
	case looksUTF16LE(b):
		b = utf16le(b)
	}
	s := strings.ReplaceAll(string(b), "\x00", "")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.ReplaceAll(s, "\r", "\n")
}

// looksUTF16LE: ASCII text in UTF-16LE has a NUL after every byte.
func looksUTF16LE(b []byte) bool {
	if len(b) < 2 {
		return false
	}
	nul := 0
	for i := 1; i < len(b); i += 2 {
		if b[i] == 0 {
			nul++
		}
	}
	return nul*4 >= len(b)/2*3 // three quarters of the odd bytes
}

func utf16le(b []byte) []byte {
	u := make([]uint16, len(b)/2)
	for i := range u {
		u[i] = uint16(b[2*i]) | uint16(b[2*i+1])<<8
	}
	return []byte(string(utf16.Decode(u)))
}

package wsl

import (
	"testing"
	"unicode/utf16"
)

func utf16Bytes(s string) []byte {
	var b []byte
	for _, u := range utf16.Encode([]rune(s)) {
		b = append(b, byte(u), byte(u>>8))
	}
	return b
}

func TestDecode(t *testing.T) {
	const want = "RTDEV:present\nRTDEV:other AB12\n"
	for name, in := range map[string][]byte{
		"crlf":         []byte("RTDEV:present\r\nRTDEV:other AB12\r\n"),
		"utf16 bom":    append([]byte{0xFF, 0xFE}, utf16Bytes("RTDEV:present\r\nRTDEV:other AB12\r\n")...),
		"utf16 no bom": utf16Bytes("RTDEV:present\r\nRTDEV:other AB12\r\n"),
		"nul bytes":    []byte("RTDEV:present\x00\r\nRTDEV:other AB12\x00\r\n"),
		"utf8 bom":     []byte("\xEF\xBB\xBFRTDEV:present\nRTDEV:other AB12\r\n"),
	} {
		if got := Decode(in); got != want {
			t.Errorf("%s: Decode = %q, want %q", name, got, want)
		}
	}
}

func TestParseAnswer(t *testing.T) {
	a := parseAnswer(Decode([]byte("WARNING: noise\r\n  RTDEV:failed 0x800704C7 The operation was canceled by the user.\r\n")))
	f := a.Failed()
	if f == nil || !f.Cancelled() || f.Message != "The operation was canceled by the user." {
		t.Fatalf("failed = %+v", f)
	}
	if (&ScriptError{HRESULT: 0x80070005}).Cancelled() {
		t.Error("access denied read as cancelled")
	}
}

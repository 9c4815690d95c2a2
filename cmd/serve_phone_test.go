package cmd

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/rtdev/rtdev/ca"
	"github.com/rtdev/rtdev/devserver/checkpage"
	"github.com/rtdev/rtdev/internal/ui"
)

// The phone setup lines: a QR code only on a colour terminal and with
// --qr, the fingerprint on any terminal, the URL alone when piped.
func TestPrintPhoneSetup(t *testing.T) {
	c, err := ca.Create(filepath.Join(t.TempDir(), "ca"), ca.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	const setup = "http://192.168.1.20:9000/rtdev/phone"
	for _, tc := range []struct {
		name             string
		tty, noColor, qr bool
		wantQR, wantFP   bool
	}{
		{"colour terminal", true, false, true, true, true},
		{"--qr=false", true, false, false, false, true},
		{"NO_COLOR", true, true, true, false, true},
		{"piped", false, false, true, false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ios, _, _, errOut := ui.Test()
			ios.ErrTTY, ios.NoColor = tc.tty, tc.noColor
			a := &app{io: ios}
			printPhoneSetup(a, ios.StylesErr(), setup, c.CertPEM, tc.qr)
			out := errOut.String()
			if got := strings.Contains(out, "▀") || strings.Contains(out, "█"); got != tc.wantQR {
				t.Errorf("QR code printed: %v, want %v\n%s", got, tc.wantQR, out)
			}
			if got := strings.Contains(out, checkpage.Fingerprint(c.CertPEM)); got != tc.wantFP {
				t.Errorf("fingerprint printed: %v, want %v\n%s", got, tc.wantFP, out)
			}
			if !strings.Contains(out, setup) {
				t.Errorf("no URL:\n%s", out)
			}
			if !tc.tty && out != "phone setup: "+setup+"\n" {
				t.Errorf("piped output %q, want the URL only", out)
			}
		})
	}
}

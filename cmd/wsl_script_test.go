package cmd

import (
	"crypto/sha1"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/rtdev/rtdev/internal/wsl/wsltest"
)

// windows drives the stand-in Windows side (internal/wsl/wsltest) in
// $WORK/windows, which a script puts first on PATH:
//
//	windows install             write the stand-ins
//	windows set KEY VALUE       change a setting (dialog=no, lan=..., networking=...)
//	windows addca PEM           add a certificate to the fake Root store
//	[!] windows trusts PEM      assert the store holds (or lacks) it
//	windows scripts             print the scripts powershell.exe received, one a line
func cmdWindows(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) == 0 {
		ts.Fatalf("usage: windows install|set|addca|trusts|scripts ...")
	}
	w := &wsltest.Windows{Bin: filepath.Join(ts.Getenv("WORK"), "windows")}
	thumbprint := func(file string) (string, []byte) {
		data, err := os.ReadFile(ts.MkAbs(file))
		ts.Check(err)
		block, _ := pem.Decode(data)
		if block == nil {
			ts.Fatalf("%s: no PEM block", file)
		}
		sum := sha1.Sum(block.Bytes)
		return strings.ToUpper(hex.EncodeToString(sum[:])), block.Bytes
	}
	switch {
	case args[0] == "install" && len(args) == 1 && !neg:
		_, err := wsltest.Install(w.Bin)
		ts.Check(err)
	case args[0] == "set" && len(args) == 3 && !neg:
		ts.Check(w.Set(args[1], args[2]))
	case args[0] == "addca" && len(args) == 2 && !neg:
		tp, der := thumbprint(args[1])
		ts.Check(w.AddRoot(tp, der))
	case args[0] == "trusts" && len(args) == 2:
		tp, _ := thumbprint(args[1])
		tps, err := w.Thumbprints()
		ts.Check(err)
		if slices.Contains(tps, tp) == neg {
			ts.Fatalf("windows store %v: %s present=%v, want %v", tps, tp, !neg, neg)
		}
	case args[0] == "scripts" && len(args) == 1 && !neg:
		calls, err := w.Calls()
		ts.Check(err)
		marker := regexp.MustCompile(`(?m)^# rtdev-script: (\S+)$`)
		for _, c := range calls {
			if m := marker.FindStringSubmatch(c.Stdin); m != nil {
				fmt.Fprintln(ts.Stdout(), m[1])
			}
		}
	default:
		ts.Fatalf("usage: windows install|set|addca|trusts|scripts ...")
	}
}

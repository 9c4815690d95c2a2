package wsl

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rtdev/rtdev/ca"
)

var update = flag.Bool("update", false, "rewrite testdata/*.ps1 from the scripts")

// The scripts sent to Windows are reviewed as files: each constant equals
// its golden file (go test -update rewrites them).
func TestScriptsGolden(t *testing.T) {
	for _, s := range Scripts {
		p := filepath.Join("testdata", s.Name+".ps1")
		if *update {
			if err := os.WriteFile(p, []byte(s.Text), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if s.Text != string(want) {
			t.Errorf("script %s differs from %s (go test -update after reviewing the change)", s.Name, p)
		}
		if !strings.HasPrefix(s.Text, "# rtdev-script: "+s.Name+"\n") || !strings.HasSuffix(s.Text, "}\n\n") {
			t.Errorf("script %s: must start with its marker and end with a blank line after the block", s.Name)
		}
		// Only the variables Run sets are read: the script text never
		// holds data.
		for _, word := range strings.Fields(strings.NewReplacer("(", " ", ")", " ", "'", " ", "+", " ").Replace(s.Text)) {
			if strings.HasPrefix(word, "$rtdev") && !strings.Contains("$rtdevThumbprint $rtdevCert $rtdevPort", word) {
				t.Errorf("script %s reads %s, which Run never sets", s.Name, word)
			}
		}
	}
	// The status script names other rtdev CAs by their organization.
	if !strings.Contains(RootStatus.Text, "O="+ca.Organization+"*") {
		t.Errorf("root-status does not match %q", ca.Organization)
	}
}

func TestInputRefusesCode(t *testing.T) {
	for _, v := range []Var{
		{Name: "rtdevPort", Value: "1'; Remove-Item C:\\ -Recurse; '"},
		{Name: "rtdevPort", Value: "$(whoami)"},
		{Name: "rtdevPort", Value: "1\n2"},
		{Name: "x; whoami", Value: "1"},
		{Name: "rtdevCert", Value: strings.Repeat("A", maxVarBytes+1)},
	} {
		if _, err := input(HealthFetch, []Var{v}); err == nil {
			t.Errorf("input accepted %q = %q", v.Name, v.Value)
		}
	}
	in, err := input(HealthFetch, []Var{{Name: "rtdevPort", Value: "9000"}})
	if err != nil || !strings.HasPrefix(string(in), "$rtdevPort = '9000'\n# rtdev-script: health-fetch\n") {
		t.Errorf("input = %q, %v", in, err)
	}
}

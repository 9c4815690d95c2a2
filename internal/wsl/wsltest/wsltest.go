package wsltest

import (
	"bufio"
	_ "embed"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/rtdev/rtdev/internal/testtool"
)

//go:embed windows.py
var program []byte

// Programs are the stand-ins Install writes.
var Programs = []string{"powershell.exe", "wslpath", "wslinfo"}

// Windows is one fake Windows side, in a folder to put first on PATH.
type Windows struct{ Bin string }

// Install writes the stand-ins into dir.
func Install(dir string) (*Windows, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	for _, p := range Programs {
		if err := os.WriteFile(filepath.Join(dir, p), program, 0o755); err != nil {
			return nil, err
		}
	}
	return &Windows{Bin: dir}, nil
}

// Set changes one setting: dialog=no (the user declines Windows' dialog),
// hang=1 (interop never answers), interop=off (powershell.exe fails at
// once, as a kernel without the binfmt entry makes it), encoding=utf16bom|utf16|nul,
// networking=MODE (what wslinfo prints; empty: no wslinfo option),
// lan=ADDR,... (the Windows addresses), profile=C:\Users\NAME.
func (w *Windows) Set(key, value string) error {
	conf, err := w.conf()
	if err != nil {
		return err
	}
	conf[key] = value
	keys := make([]string, 0, len(conf))
	for k := range conf {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, "%s=%s\n", k, conf[k])
	}
	return os.WriteFile(filepath.Join(w.Bin, "windows.conf"), []byte(b.String()), 0o644)
}

func (w *Windows) conf() (map[string]string, error) {
	out := map[string]string{}
	data, err := os.ReadFile(filepath.Join(w.Bin, "windows.conf"))
	if os.IsNotExist(err) {
		return out, nil
	}
	for _, line := range strings.Split(string(data), "\n") {
		if k, v, ok := strings.Cut(line, "="); ok {
			out[k] = v
		}
	}
	return out, err
}

// AddRoot puts a certificate into the fake Root store, as if the user had
// added it on Windows.
func (w *Windows) AddRoot(thumbprint string, der []byte) error {
	f, err := os.OpenFile(filepath.Join(w.Bin, "rootstore"), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(f, "%s %s\n", thumbprint, base64.StdEncoding.EncodeToString(der))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// Thumbprints lists the fake Root store.
func (w *Windows) Thumbprints() ([]string, error) {
	data, err := os.ReadFile(filepath.Join(w.Bin, "rootstore"))
	if os.IsNotExist(err) {
		return nil, nil
	}
	var out []string
	for _, line := range strings.Split(string(data), "\n") {
		if tp, _, ok := strings.Cut(line, " "); ok {
			out = append(out, tp)
		}
	}
	return out, err
}

// Call is one recorded run of a stand-in.
type Call struct {
	Argv  []string `json:"argv"`
	Stdin string   `json:"stdin"`
}

// Calls lists the runs so far, in order.
func (w *Windows) Calls() ([]Call, error) {
	f, err := os.Open(filepath.Join(w.Bin, "calls.jsonl"))
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []Call
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var c Call
		if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, sc.Err()
}

// New installs the stand-ins in a temporary folder and puts it first on
// PATH for the rest of the test (so the test may not run in parallel).
// It skips the test where python3 is missing.
func New(t testing.TB) *Windows {
	t.Helper()
	testtool.Need(t, "python3")
	w, err := Install(filepath.Join(t.TempDir(), "bin"))
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", w.Bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	return w
}

package trust

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
)

func TestParseSelection(t *testing.T) {
	for _, tc := range []struct {
		in      string
		want    []string
		wantErr string
	}{
		{"", nil, ""},
		{"  ", nil, ""},
		{"none", []string{}, ""},
		{"NONE", []string{}, ""},
		{"system", []string{"system"}, ""},
		{"nss, Java ,nss", []string{"nss", "java"}, ""},
		{"system,nss,java", []string{"system", "nss", "java"}, ""},
		{"firefox", nil, `unknown trust store "firefox" (valid: system, nss, java, windows, or none)`},
		{"system,none", nil, `unknown trust store "none"`},
		{",", nil, "empty list"},
	} {
		got, err := ParseSelection(tc.in)
		if tc.wantErr != "" {
			if err == nil || !errors.Is(err, ErrUnknownStore) || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("ParseSelection(%q) error = %v, want %q", tc.in, err, tc.wantErr)
			}
			continue
		}
		if err != nil || !slices.Equal(got, tc.want) || (got == nil) != (tc.want == nil) {
			t.Errorf("ParseSelection(%q) = %#v, %v; want %#v", tc.in, got, err, tc.want)
		}
	}
}

func TestSelectionForPrefersTheFlag(t *testing.T) {
	env := testEnv(t, "linux", 0, newFake(t, nil), map[string]string{EnvStores: "java"})
	for flag, want := range map[string][]string{"": {"java"}, "nss": {"nss"}} {
		got, err := SelectionFor(flag, env)
		if err != nil || !slices.Equal(got, want) {
			t.Errorf("SelectionFor(%q) = %v, %v; want %v", flag, got, err, want)
		}
	}
}

func TestStores(t *testing.T) {
	c := testCA(t)
	env := testEnv(t, "linux", 0, newFake(t, nil), nil)
	for _, tc := range []struct {
		sel  []string
		want []string
	}{
		{nil, []string{"system", "nss", "java"}},
		{[]string{}, nil},
		{[]string{"java", "system"}, []string{"system", "java"}},
	} {
		stores, err := Stores(env, c, tc.sel)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, s := range stores {
			names = append(names, s.Name())
		}
		if !slices.Equal(names, tc.want) {
			t.Errorf("Stores(%v) = %v, want %v", tc.sel, names, tc.want)
		}
	}
	if _, err := Stores(env, c, []string{"keychain"}); !errors.Is(err, ErrUnknownStore) {
		t.Errorf("unknown name: err = %v", err)
	}
	if _, err := Stores(env, nil, nil); err == nil {
		t.Error("nil CA accepted")
	}
}

func TestResultHelpers(t *testing.T) {
	for s, want := range map[State]bool{Installed: false, Already: false, Missing: true, Removed: false, Skipped: false, Failed: true, Unsupported: false} {
		if got := (Result{State: s}).Problem(); got != want {
			t.Errorf("Problem(%s) = %v", s, got)
		}
	}
	if RestartNeeded([]Result{{State: Already}}) || !RestartNeeded([]Result{{State: Already}, {State: Installed, RestartBrowser: true}}) {
		t.Error("RestartNeeded is wrong")
	}
}

func ExampleParseSelection() {
	sel, _ := ParseSelection("nss, java")
	fmt.Println(sel)
	none, _ := ParseSelection("none")
	fmt.Println(len(none), none != nil)
	_, err := ParseSelection("keychain")
	fmt.Println(err)
	// Output:
	// [nss java]
	// 0 true
	// unknown trust store "keychain" (valid: system, nss, java, windows, or none)
}

package trust

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// EnvJavaHomes lists the JDK folders rtdev uses instead of searching for
// them (os.PathListSeparator between folders); "none" uses no JDK at all.
// Tests set it so they never reach the machine's JDKs.
const EnvJavaHomes = "RTDEV_JAVA_HOMES"

// jvmDir is where Debian, Ubuntu, Fedora, Arch and openSUSE install JDKs,
// one folder (or alternatives link) per JDK.
const jvmDir = "/usr/lib/jvm"

// javaHomeTool is macOS's JDK finder; `-V` lists every installed JDK.
const javaHomeTool = "/usr/libexec/java_home"

// JavaHomeError is a JAVA_HOME (or a RTDEV_JAVA_HOMES folder) that does
// not exist. Java build tools fail on it too ("JAVA_HOME is set to an
// invalid directory"), so it is reported on its own and the JDKs found
// elsewhere are still used (mkcert stops at it, mkcert#472).
type JavaHomeError struct {
	Variable string
	Path     string
	Err      error
}

func (e *JavaHomeError) Error() string {
	return fmt.Sprintf("%s is %s, which does not exist", e.Variable, e.Path)
}

func (e *JavaHomeError) Unwrap() error { return e.Err }

// jdk is one place Java trust can be changed, or why a named one cannot.
type jdk struct {
	paths javaPaths
	skip  *Result
}

// javaCandidate is a folder that may be a JDK. named ones were given by
// the user (JAVA_HOME, RTDEV_JAVA_HOMES), so what is wrong with them is
// reported; found ones are dropped quietly when they are no JDK (macOS's
// /usr/bin/java stub, a source-only folder in /usr/lib/jvm).
type javaCandidate struct {
	home  string
	from  string // the variable that named it; "" when found
	named bool
}

// jdks finds the JDKs as users have them: JAVA_HOME, the java on PATH
// (links resolved, as Debian's /usr/bin/java -> /etc/alternatives/java ->
// /usr/lib/jvm/...), every folder in /usr/lib/jvm, and what macOS's
// java_home lists. A cacerts shared through links (Debian's JDKs all point
// at /etc/ssl/certs/java/cacerts) is listed once. Nothing is looked at
// before a store asks, and only through Env, so tests seal every location.
func (e Env) jdks(ctx context.Context) []jdk {
	var out []jdk
	seenHome, seenCacerts := map[string]bool{}, map[string]bool{}
	for _, c := range e.javaCandidates(ctx) {
		real, err := filepath.EvalSymlinks(c.home)
		if err != nil {
			if c.named {
				je := &JavaHomeError{Variable: c.from, Path: c.home, Err: err}
				out = append(out, jdk{skip: &Result{Store: StoreJava, Location: c.home, State: Skipped,
					Reason: je.Error(), Command: e.javaHomeFix(c.from), Err: je}})
			}
			continue
		}
		if seenHome[real] {
			continue
		}
		seenHome[real] = true
		p, skip := e.javaPaths(c)
		switch {
		case skip != nil:
			if c.named {
				out = append(out, jdk{skip: skip})
			}
		case !seenCacerts[p.cacerts]:
			seenCacerts[p.cacerts] = true
			out = append(out, jdk{paths: p})
		}
	}
	return out
}

// javaHomeFix is what to do about a JAVA_HOME that points nowhere.
func (e Env) javaHomeFix(from string) string {
	if e.GOOS == "windows" {
		return "set " + from + " to a JDK folder, or remove it"
	}
	return "unset " + from + ", or export " + from + "=/path/to/jdk"
}

func (e Env) javaCandidates(ctx context.Context) []javaCandidate {
	if list := e.Getenv(EnvJavaHomes); list != "" {
		if strings.EqualFold(strings.TrimSpace(list), "none") {
			return nil
		}
		var out []javaCandidate
		for _, h := range filepath.SplitList(list) {
			if h != "" {
				out = append(out, javaCandidate{home: h, from: EnvJavaHomes, named: true})
			}
		}
		return out
	}
	var out []javaCandidate
	if h := e.Getenv("JAVA_HOME"); h != "" {
		out = append(out, javaCandidate{home: h, from: "JAVA_HOME", named: true})
	}
	if java := e.lookPathEnv(e.exe("java")); java != "" {
		if real, err := filepath.EvalSymlinks(java); err == nil {
			out = append(out, javaCandidate{home: filepath.Dir(filepath.Dir(real))})
		}
	}
	switch e.GOOS {
	case "linux":
		dirs, _ := filepath.Glob(filepath.Join(e.sys(jvmDir), "*"))
		sort.Strings(dirs)
		for _, d := range dirs {
			if isDir(d) {
				out = append(out, javaCandidate{home: d})
			}
		}
	case "darwin":
		for _, h := range e.macJavaHomes(ctx) {
			out = append(out, javaCandidate{home: h})
		}
	}
	return out
}

// exe is a program's file name on this OS.
func (e Env) exe(name string) string {
	if e.GOOS == "windows" {
		return name + ".exe"
	}
	return name
}

// lookPathEnv finds name in the PATH of Getenv, not of the process, so a
// test's PATH is the only one looked at.
func (e Env) lookPathEnv(name string) string {
	for _, dir := range filepath.SplitList(e.Getenv("PATH")) {
		if !filepath.IsAbs(dir) {
			continue // a relative PATH entry depends on the folder rtdev runs in
		}
		p := filepath.Join(dir, name)
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() && (e.GOOS == "windows" || fi.Mode()&0o111 != 0) {
			return p
		}
	}
	return ""
}

// macJavaHomes asks java_home -V for every JDK. It prints one line per JDK
// ending in its home, after the quoted vendor and name:
//
//	17.0.9 (arm64) "Eclipse Adoptium" - "OpenJDK 17.0.9" /Library/Java/JavaVirtualMachines/temurin-17.jdk/Contents/Home
//
// and fails with "Unable to find any JVMs" when there is none.
func (e Env) macJavaHomes(ctx context.Context) []string {
	tool := e.sys(javaHomeTool)
	if !exists(tool) {
		return nil
	}
	out, err := e.exec(ctx, nil, tool, "-V")
	if err != nil {
		return nil
	}
	var homes []string
	for _, line := range strings.Split(string(out), "\n") {
		if i := strings.LastIndex(line, `" /`); i >= 0 {
			homes = append(homes, strings.TrimSpace(line[i+2:]))
		}
	}
	return homes
}

// javaPaths finds keytool and cacerts in a JDK folder, or says what is
// missing. JDK 8 keeps cacerts under jre/, JDK 9+ directly under lib/.
// Homebrew's openjdk keg has no cacerts of its own, only links into the
// real JDK folder (mkcert#472), so that folder, found through keytool's
// link, is tried too.
func (e Env) javaPaths(c javaCandidate) (javaPaths, *Result) {
	where := c.home
	if c.from != "" {
		where = c.from + " (" + c.home + ")"
	}
	keytool := filepath.Join(c.home, "bin", e.exe("keytool"))
	if !exists(keytool) {
		return javaPaths{}, &Result{Store: StoreJava, Location: c.home, State: Skipped,
			Reason: "no keytool in " + filepath.Join(c.home, "bin"),
			Err:    &MissingToolError{Tool: "keytool"}}
	}
	homes := []string{c.home}
	// Only on macOS: elsewhere a keytool linked from a JDK copy must not
	// lead rtdev to the cacerts of the JDK it came from.
	if real, err := filepath.EvalSymlinks(keytool); err == nil && e.GOOS == "darwin" {
		if h := filepath.Dir(filepath.Dir(real)); h != c.home {
			homes = append(homes, h)
		}
	}
	var looked []string
	for _, h := range homes {
		for _, p := range []string{filepath.Join(h, "jre", "lib", "security", "cacerts"), filepath.Join(h, "lib", "security", "cacerts")} {
			if real, err := filepath.EvalSymlinks(p); err == nil {
				return javaPaths{keytool: keytool, cacerts: real}, nil
			}
			looked = append(looked, p)
		}
	}
	return javaPaths{}, &Result{Store: StoreJava, Location: c.home, State: Skipped,
		Reason: "no cacerts in " + where + " (looked for " + strings.Join(looked, " and ") + ")"}
}

// noJDKReason says where rtdev looked when it found no JDK.
func (e Env) noJDKReason() string {
	if e.Getenv(EnvJavaHomes) != "" {
		return "no JDK: " + EnvJavaHomes + " is " + e.Getenv(EnvJavaHomes)
	}
	where := "JAVA_HOME is not set, no java on PATH"
	switch e.GOOS {
	case "linux":
		where += ", nothing in " + jvmDir
	case "darwin":
		where += ", none listed by " + javaHomeTool
	}
	return "no JDK found (" + where + ")"
}

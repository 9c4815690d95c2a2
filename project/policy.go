package project

import (
	"fmt"
	"maps"
	"net/url"
	"path/filepath"
	"reflect"
	"slices"
	"strings"

	"github.com/rtdev/rtdev/internal/fsutil"
	"github.com/rtdev/rtdev/internal/netaddr"
)

// Class is what a committed rtdev.toml may do with one setting. rtdev.toml
// and the onboarding script are written by other people, and `npm run dev`
// (the Vite plugin) or the onboarding script runs rtdev on them with --yes,
// so nobody reads the file first. The rule, in one sentence: the file may
// name ports, paths, names under the private-use domains and loopback
// backends; anything that widens the CA to the web, puts a file or a
// backend on the network, or sends a credential somewhere needs a flag the
// developer typed or rtdev.local.toml.
//
// Every field of Config carries its class in a `policy` struct tag (a test
// fails on a field without one), so a new setting cannot land without a
// decision.
type Class string

const (
	// ClassFile: the committed file may set any valid value.
	ClassFile Class = "file"
	// ClassLoopback: the committed file may set only a value that stays on
	// this machine (a loopback address, a backend or Redis on loopback, a
	// folder inside the project). Anything else is left out, with a notice
	// naming the flag that does it.
	ClassLoopback Class = "loopback"
	// ClassLocal: only a typed flag, a Vite plugin option or
	// rtdev.local.toml may set it; the committed file's value is ignored
	// with a notice.
	ClassLocal Class = "local"
	// classTable marks a TOML table ([serve], [onboarding]) whose own
	// fields carry the classes.
	classTable Class = "table"
)

// PrivateUseDomains are the names a committed rtdev.toml may add to a new CA:
// the special-use names no registry will ever delegate (localhost, test,
// invalid, example: RFC 6761; local: RFC 6762; home.arpa: RFC 8375;
// internal: reserved by ICANN for private use in 2024). A constraint under
// them can never cover a real site.
var PrivateUseDomains = []string{"localhost", "test", "internal", "local", "home.arpa", "example", "invalid"}

// UnderPrivateUse reports whether DNS name (a wildcard's "*." is ignored) is
// one of PrivateUseDomains or below one.
func UnderPrivateUse(name string) bool {
	n := strings.TrimSuffix(strings.ToLower(strings.TrimPrefix(name, "*.")), ".")
	for _, d := range PrivateUseDomains {
		if n == d || strings.HasSuffix(n, "."+d) {
			return true
		}
	}
	return false
}

// Source is where a setting's value came from.
type Source string

const (
	// FromDefault: neither file nor flag set it.
	FromDefault Source = "default"
	// FromCommitted: rtdev.toml, or an rtdev.local.toml that git tracks
	// (or that is not in a git work tree): held to the committed rules.
	FromCommitted Source = ConfigFileName
	// FromLocal: an rtdev.local.toml that git ignores and does not track.
	FromLocal Source = LocalConfigFileName
	// FromFlag: typed on the command line (or passed by the Vite plugin,
	// whose options live in vite.config.js, code the developer runs).
	FromFlag Source = "flag"
)

// Typed reports whether the developer chose the value themselves (a flag or
// their own rtdev.local.toml): such a value is not held to the committed
// rules.
func (s Source) Typed() bool { return s == FromFlag || s == FromLocal }

// Notice is a setting from a committed file that rtdev left out, with the
// way to ask for it as the developer. cmd prints it as one warning line.
type Notice struct {
	// Key is the TOML key ("serve.lan"), or the file name for a notice
	// about a whole file.
	Key string `json:"key"`
	// Source is the file that asked for it.
	Source Source `json:"source"`
	// Message says what was left out and why.
	Message string `json:"message"`
	// Fix is how the developer asks for it themselves.
	Fix string `json:"fix"`
}

func (n Notice) String() string {
	if n.Fix == "" {
		return n.Message
	}
	return n.Message + "; " + n.Fix
}

// classes maps every TOML key of Config ("serve.bind") to its class, read
// from the policy tags. It panics on a field without a class: the class
// test runs it, so such a field never ships.
func classes() map[string]Class {
	out := map[string]Class{}
	walkClasses(reflect.TypeOf(Config{}), "", out)
	return out
}

func walkClasses(t reflect.Type, prefix string, out map[string]Class) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("toml"), ",")
		if name == "-" || !f.IsExported() {
			continue
		}
		key := prefix + name
		c := Class(f.Tag.Get("policy"))
		switch c {
		case ClassFile, ClassLoopback, ClassLocal:
			out[key] = c
		case classTable:
			walkClasses(f.Type, key+".", out)
		default:
			panic(fmt.Sprintf("project.Config field %s (%s) has no policy class: tag it file, loopback or local", f.Name, key))
		}
	}
}

// committedRule decides one loopback or local setting from a committed
// source s: it returns nil when the value may stand, else the notice, after
// resetting the value to its default.
type committedRule func(c *Config, s Source, root string) *Notice

// committedRules hold every setting of class loopback or local that is
// decided when the settings are loaded; loadChecked are those decided
// elsewhere. A test checks that each such class has one or the other, so a
// new field tagged loopback or local cannot go unenforced.
var committedRules = map[string]committedRule{
	"serve.lan": func(c *Config, s Source, _ string) *Notice {
		if !c.Serve.LAN {
			return nil
		}
		c.Serve.LAN = false
		return &Notice{Key: "serve.lan", Source: s,
			Message: fmt.Sprintf("%s asks for lan = true, which a committed file cannot turn on (it would put this machine's server on the network)", s),
			Fix:     "to reach it from other devices, pass --lan yourself (or set lan = true in " + LocalConfigFileName + ")"}
	},
	"serve.containers": func(c *Config, s Source, _ string) *Notice {
		if !c.Serve.Containers {
			return nil
		}
		c.Serve.Containers = false
		return &Notice{Key: "serve.containers", Source: s,
			Message: fmt.Sprintf("%s asks for containers = true, which a committed file cannot turn on (it would open this machine's server to every container on it)", s),
			Fix:     "to reach it from containers, pass --containers yourself (or set containers = true in " + LocalConfigFileName + ")"}
	},
	"serve.bind": func(c *Config, s Source, _ string) *Notice {
		if netaddr.Loopback(c.Serve.Bind) {
			return nil
		}
		bind := c.Serve.Bind
		c.Serve.Bind = Defaults().Serve.Bind
		return &Notice{Key: "serve.bind", Source: s,
			Message: fmt.Sprintf("%s asks for bind = %q, which is not a loopback address; rtdev listens on %s", s, bind, c.Serve.Bind),
			Fix:     fmt.Sprintf("to listen there, pass --bind %s yourself", bind)}
	},
	"serve.static": func(c *Config, s Source, root string) *Notice {
		why := ""
		if c.Serve.Static != "" {
			why = staticOutsideProject(root, c.Serve.Static)
		}
		if why == "" {
			return nil
		}
		static := c.Serve.Static
		c.Serve.Static = ""
		return &Notice{Key: "serve.static", Source: s,
			Message: fmt.Sprintf("%s asks to serve static = %q, which %s; no files are served", s, static, why),
			Fix:     "to serve a folder of your own, pass --static DIR yourself"}
	},
	"serve.cluster": func(c *Config, s Source, _ string) *Notice {
		why := ""
		if c.Serve.Cluster != "" {
			why = committedClusterProblem(c.Serve.Cluster)
		}
		if why == "" {
			return nil
		}
		c.Serve.Cluster = ""
		return &Notice{Key: "serve.cluster", Source: s,
			Message: fmt.Sprintf("%s names a cluster Redis that %s; serve runs as a single instance", s, why),
			Fix:     "to use it, pass --cluster URL (or set RTDEV_CLUSTER) yourself"}
	},
}

// loadChecked are the loopback settings whose every entry is checked as
// the file is read, with an error naming its line (checkRoutes,
// checkProxies): a backend is refused rather than dropped.
var loadChecked = map[string]bool{"serve.route": true, "proxy": true}

// applyPolicy applies committedRules to every setting a committed source
// set, in key order, and returns one notice per setting left out. Values
// whose source is Typed pass as they are. The CA's names are decided when
// a CA is made (createOptions).
func applyPolicy(cfg *Config, src map[string]Source, root string) []Notice {
	var notes []Notice
	for _, key := range slices.Sorted(maps.Keys(committedRules)) {
		if s, ok := src[key]; ok && !s.Typed() {
			if n := committedRules[key](cfg, s, root); n != nil {
				notes = append(notes, *n)
			}
		}
	}
	return notes
}

// staticOutsideProject says why a static root from a committed file may not
// be served, or "". It must resolve, symlinks followed, to a folder inside
// the project, and no part of its path below the project may start with a
// dot: a dot-folder (.git, .rtdev, .env.d, a linked ~/.docker) holds what a
// page must never be able to fetch. The part of the path that does not
// exist yet cannot be a link; serve refuses a missing folder anyway.
func staticOutsideProject(root, static string) string {
	p := static
	if !filepath.IsAbs(p) {
		p = filepath.Join(root, p)
	}
	realRoot, real := fsutil.Resolve(root), fsutil.Resolve(p)
	if !fsutil.Within(realRoot, real) {
		return "is outside the project"
	}
	rel, _ := filepath.Rel(realRoot, real)
	if rel == "." {
		return "is the project folder itself, which holds .git and .rtdev"
	}
	for _, part := range strings.Split(rel, string(filepath.Separator)) {
		if strings.HasPrefix(part, ".") {
			return fmt.Sprintf("is inside %s, a dot-folder", part)
		}
	}
	return ""
}

// committedClusterProblem says why a Redis URL from a committed file may not
// be used, or "". Every signaling message, with every peer's addresses,
// passes through the broker, so the file may only name a Redis on this
// machine; it holds no secrets, so no password; and no query options, which
// can turn off TLS verification or carry a password of their own.
func committedClusterProblem(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "cannot be parsed"
	}
	if u.User != nil {
		if _, ok := u.User.Password(); ok {
			return "holds a password (a committed file holds no secrets)"
		}
	}
	if u.RawQuery != "" || strings.HasSuffix(raw, "?") {
		return "carries query options (a committed file may name only the address and database)"
	}
	if !netaddr.Loopback(u.Hostname()) {
		return "is not on this machine (a committed file may name only a loopback Redis)"
	}
	return ""
}

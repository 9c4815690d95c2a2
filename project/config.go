package project

import (
	"bytes"
	"errors"
	"fmt"
	"net/url"
	"os"
	"reflect"
	"regexp"
	"strings"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/rtdev/rtdev/internal/closest"
	"github.com/rtdev/rtdev/internal/netaddr"
	"github.com/rtdev/rtdev/internal/target"
)

// ConfigFileName is the committed project file.
const ConfigFileName = "rtdev.toml"

// Config is rtdev.toml. Every field is optional; Defaults fills the gaps.
// Nothing in it is secret: it is meant to be committed so that every
// developer of the app gets the same cert names and server settings.
type Config struct {
	// Hosts are extra names and addresses for the project certificate
	// (app.localhost, a custom *.test name, a fixed LAN IP).
	Hosts []string `toml:"hosts" policy:"file"`
	// KeyType is "ecdsa" (default) or "rsa" (Create React App needs RSA).
	KeyType string `toml:"key_type" policy:"file"`
	// Validity of the project leaf, as "90d", "14d", "1y" (at most 825 days).
	Validity string `toml:"validity" policy:"file"`
	// Targets are the snippet targets init writes (vite, peerjs, nginx, ...).
	Targets    []string   `toml:"targets" policy:"file"`
	Serve      Serve      `toml:"serve" policy:"table"`
	Onboarding Onboarding `toml:"onboarding" policy:"table"`
	// Proxy are the [[proxy]] tables `rtdev proxy` serves when run
	// without --to.
	Proxy []Proxy `toml:"proxy" policy:"loopback"`

	// Local is what rtdev.local.toml added to the lists above, kept apart
	// so that saving hosts into rtdev.toml never copies a developer's own
	// names into the committed file.
	Local LocalAdditions `toml:"-"`
}

// LocalAdditions are the hosts an rtdev.local.toml adds, and how far they
// are trusted (FromLocal, or FromCommitted for a file git tracks).
type LocalAdditions struct {
	Hosts []string
	From  Source
}

// Onboarding is how the onboarding script (rtdev init --onboarding-script)
// installs rtdev on a machine that lacks it. The script pins the rtdev
// release that wrote it whichever way is chosen.
type Onboarding struct {
	// Install is "release" (the archive from ReleaseURL, checked against its
	// checksums.txt), "npm" (the app's devDependency, run with npx) or "go"
	// (go install of the pinned version). Empty: go install when Go is there.
	Install string `toml:"install" policy:"file"`
	// ReleaseURL is the folder that holds the release's archives and
	// checksums.txt; "{version}" in it becomes the pinned version (1.2.3).
	// https://, or http:// to a loopback address (a mirror on this machine).
	ReleaseURL string `toml:"release_url" policy:"file"`
}

// Proxy is one [[proxy]] table: requests under Path on Port go to To.
type Proxy struct {
	// Port the proxy listens on (DefaultProxyPort when left out). Tables
	// with the same port share one listener, told apart by Path.
	Port int `toml:"port"`
	// To is the plain backend: a port, host:port or http:// / ws:// URL.
	// From this file it must be this machine (loopback); see validate.
	To string `toml:"to"`
	// Path is the prefix routed to To ("/" when left out); requests keep
	// their full path.
	Path string `toml:"path"`
	// From is the file the table came from: a typed one (rtdev.local.toml)
	// may forward anywhere.
	From Source `toml:"-"`
}

// Route is one [[serve.route]] table: requests under Path on the serve
// port go to To, so the app, its HMR WebSocket and PeerJS share one
// origin. To must be this machine when it comes from this file.
type Route struct {
	Path string `toml:"path"`
	To   string `toml:"to"`
	// From is where the route came from: under --lan, a route from the
	// committed file is served to loopback clients only.
	From Source `toml:"-"`
}

// The value each rtdev serve and rtdev proxy setting takes when neither a
// flag nor rtdev.toml sets it, written once: Defaults, devserver.Config's
// defaults, templates and the flag help text all read these. The serve
// settings are peerjs-server's defaults, so an unmodified peerjs client's
// options work as they are.
const (
	DefaultServePort       = 9000
	DefaultServePath       = "/"
	DefaultServeKey        = "peerjs"
	DefaultExpireTimeout   = 5 * time.Second
	DefaultAliveTimeout    = 60 * time.Second
	DefaultConcurrentLimit = 5000
	// DefaultServeBind is loopback: the LAN is opt-in (--lan).
	DefaultServeBind = "127.0.0.1"
	// DefaultProxyPort is 8443, the usual alternative HTTPS port, which
	// needs no privileges.
	DefaultProxyPort = 8443
)

// PagePrefix is where rtdev serve mounts its own pages (the check page,
// /rtdev/health, the phone setup and the CA files), beside PeerJS's.
const PagePrefix = "/rtdev/"

// Serve holds the `rtdev serve` settings; names follow peerjs-server's flags.
type Serve struct {
	// Routes are the [[serve.route]] tables: backends mounted on the
	// serve port (rtdev serve --route PATH=URL).
	Routes []Route `toml:"route" policy:"loopback"`

	Port            int      `toml:"port" policy:"file"`
	Path            string   `toml:"path" policy:"file"`
	Key             string   `toml:"key" policy:"file"`
	ExpireTimeout   Duration `toml:"expire_timeout" policy:"file"`
	AliveTimeout    Duration `toml:"alive_timeout" policy:"file"`
	ConcurrentLimit int      `toml:"concurrent_limit" policy:"file"`
	AllowDiscovery  bool     `toml:"allow_discovery" policy:"file"`
	AllowOverride   bool     `toml:"allow_override" policy:"file"`
	CORS            []string `toml:"cors" policy:"file"`
	// Bind is the listen address; from the committed file, loopback only.
	Bind string `toml:"bind" policy:"loopback"`
	// LAN listens on every interface (so phones on the Wi-Fi connect);
	// only the developer may turn it on.
	LAN bool `toml:"lan" policy:"local"`
	// Containers also listens on the container bridges (docker0, compose's
	// br-*, podman's), never the LAN; only the developer may turn it on,
	// since it opens serve to every container on the machine.
	Containers bool `toml:"containers" policy:"local"`
	// Static is a folder served beside PeerJS; from the committed file,
	// inside the project and out of every dot-folder.
	Static string `toml:"static" policy:"loopback"`
	// Cluster is the Redis URL of rtdev serve --cluster; from the
	// committed file, a loopback Redis with no password or query options,
	// and REDIS_PASSWORD is never sent to it.
	Cluster string `toml:"cluster" policy:"loopback"`
}

// Duration is a time.Duration written as "5s" or "1m30s" in TOML.
type Duration struct{ time.Duration }

// UnmarshalText implements encoding.TextUnmarshaler for TOML strings.
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	if err != nil {
		return fmt.Errorf("duration %q: use a value such as \"5s\" or \"90s\"", string(b))
	}
	d.Duration = v
	return nil
}

// MarshalText implements encoding.TextMarshaler.
func (d Duration) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// Defaults are the values used where rtdev.toml is silent: peerjs-server's
// CLI defaults for the server, ECDSA and 90 days for the certificate.
func Defaults() Config {
	return Config{
		KeyType:  "ecdsa",
		Validity: "90d",
		Serve: Serve{
			Port:            DefaultServePort,
			Path:            DefaultServePath,
			Key:             DefaultServeKey,
			ExpireTimeout:   Duration{DefaultExpireTimeout},
			AliveTimeout:    Duration{DefaultAliveTimeout},
			ConcurrentLimit: DefaultConcurrentLimit,
			Bind:            DefaultServeBind,
		},
	}
}

// ConfigError is a problem in rtdev.toml; it names the file and, when known,
// the line.
type ConfigError struct {
	Path string
	Line int
	Err  error
	// Fix, when set, replaces the generic hint with the one command that
	// resolves this error.
	Fix string
}

func (e *ConfigError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %v", e.Path, e.Line, e.Err)
	}
	return fmt.Sprintf("%s: %v", e.Path, e.Err)
}
func (e *ConfigError) Unwrap() error { return e.Err }

// Hint says how to fix the file.
func (e *ConfigError) Hint() string {
	if e.Fix != "" {
		return e.Fix
	}
	return "fix " + e.Path + " (the keys rtdev.toml takes are listed in the README), then run the command again"
}

// decodeFile reads one settings file into cfg. An unknown key (a typo such
// as "prot") is an error naming the key, its line and the key meant, so a
// setting never silently does nothing. found is false for a missing file.
func decodeFile(path string, cfg *Config) (md toml.MetaData, data []byte, found bool, err error) {
	data, err = os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return md, nil, false, nil
	}
	if err != nil {
		return md, nil, false, fmt.Errorf("read %s: %w", path, err)
	}
	md, err = toml.Decode(string(data), cfg)
	if err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			return md, data, true, &ConfigError{Path: path, Line: pe.Position.Line, Err: errors.New(pe.Message)}
		}
		return md, data, true, &ConfigError{Path: path, Err: err}
	}
	if und := md.Undecoded(); len(und) > 0 {
		k := und[0]
		return md, data, true, &ConfigError{
			Path: path,
			Line: keyLine(data, k[len(k)-1]),
			Err:  unknownKey(k),
		}
	}
	return md, data, true, nil
}

// unknownKey names an undecoded key and, as `rtdev snippet` does for a
// target, the keys of the same table it is nearest to.
func unknownKey(k toml.Key) error {
	table, name := k[:len(k)-1], k[len(k)-1]
	var cands []closest.Candidate
	for _, known := range keysIn(reflect.TypeFor[Config](), table) {
		cands = append(cands, closest.Candidate{Name: known})
	}
	near := closest.Find(name, 3, cands)
	if len(near) == 0 {
		return fmt.Errorf("unknown key %q", k.String())
	}
	for i, n := range near {
		near[i] = strings.Join(append(append([]string{}, table...), n), ".")
	}
	return fmt.Errorf("unknown key %q (did you mean %s?)", k.String(), strings.Join(near, ", "))
}

// keysIn lists the TOML keys of the table at path inside t (a struct, or a
// slice of structs for an array of tables such as [[proxy]]); nil when the
// path names no table.
func keysIn(t reflect.Type, path []string) []string {
	for t.Kind() == reflect.Slice {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return nil
	}
	var keys []string
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("toml"), ",")
		if name == "" || name == "-" || !f.IsExported() {
			continue
		}
		if len(path) > 0 && name == path[0] {
			return keysIn(f.Type, path[1:])
		}
		keys = append(keys, name)
	}
	if len(path) > 0 {
		return nil
	}
	return keys
}

func (c Config) validate(path string) error {
	bad := func(format string, args ...any) error {
		return &ConfigError{Path: path, Err: fmt.Errorf(format, args...)}
	}
	switch c.KeyType {
	case "ecdsa", "rsa":
	default:
		return bad("key_type %q: use \"ecdsa\" or \"rsa\"", c.KeyType)
	}
	if !netaddr.ValidPort(c.Serve.Port) {
		return bad("serve.port %d: use a port from %s", c.Serve.Port, netaddr.PortRange)
	}
	if c.Serve.ConcurrentLimit < 1 {
		return bad("serve.concurrent_limit %d: must be at least 1", c.Serve.ConcurrentLimit)
	}
	switch o := c.Onboarding; o.Install {
	case "", "npm", "go":
		if o.ReleaseURL != "" {
			return bad("onboarding.release_url is read only with install = \"release\"")
		}
	case "release":
		if o.ReleaseURL == "" {
			return bad("onboarding.install = \"release\" needs release_url, the folder holding the archives and checksums.txt")
		}
		if err := CheckReleaseURL(o.ReleaseURL); err != nil {
			return bad("onboarding.release_url: %v", err)
		}
	default:
		return bad("onboarding.install %q: use \"release\", \"npm\" or \"go\"", o.Install)
	}
	return nil
}

// checkProxies checks the [[proxy]] tables and fills in their defaults.
// A target must be this machine: rtdev.toml is committed by other people,
// and a `rtdev proxy --lan` started from it must not become a door from
// the Wi-Fi to hosts the developer never named. A target typed as --to is
// the developer's own choice and may be anything.
func (c *Config) checkProxies(path string, data []byte, first int) error {
	seen := map[string]bool{}
	for i := range c.Proxy {
		px := &c.Proxy[i]
		if i < first {
			seen[fmt.Sprintf("%d %s", px.Port, px.Path)] = true
			continue
		}
		bad := func(key string, fix, format string, args ...any) error {
			return &ConfigError{Path: path, Line: tableKeyLine(data, "proxy", i-first, key), Err: fmt.Errorf(format, args...), Fix: fix}
		}
		if px.Port == 0 {
			px.Port = DefaultProxyPort
		}
		if !netaddr.ValidPort(px.Port) {
			return bad("port", "", "[[proxy]] port %d: use a port from %s", px.Port, netaddr.PortRange)
		}
		if px.To == "" {
			return bad("to", "", "[[proxy]] table %d has no to = \"PORT\" (the backend to forward to)", i+1)
		}
		if err := loopbackTarget(px.To, px.From, fmt.Sprintf("rtdev proxy --to %s --port %d", px.To, px.Port)); err != nil {
			return bad("to", err.fix, "[[proxy]] %v", err.err)
		}
		var err error
		if px.Path, err = target.CleanPath(px.Path); err != nil {
			return bad("path", "", "[[proxy]] %v", err)
		}
		key := fmt.Sprintf("%d %s", px.Port, px.Path)
		if seen[key] {
			return bad("path", "", "two [[proxy]] tables for port %d and path %s", px.Port, px.Path)
		}
		seen[key] = true
	}
	return nil
}

// checkRoutes checks the [[serve.route]] tables, under the same rule as
// [[proxy]]: a committed file routes only to this machine.
func (c *Config) checkRoutes(path string, data []byte, first int) error {
	seen := map[string]bool{}
	for i := range c.Serve.Routes {
		rt := &c.Serve.Routes[i]
		if i < first {
			seen[rt.Path] = true
			continue
		}
		bad := func(key string, fix, format string, args ...any) error {
			return &ConfigError{Path: path, Line: tableKeyLine(data, "serve.route", i-first, key), Err: fmt.Errorf(format, args...), Fix: fix}
		}
		if rt.To == "" {
			return bad("to", "", "[[serve.route]] table %d has no to = \"PORT\" (the backend to forward to)", i+1)
		}
		if err := loopbackTarget(rt.To, rt.From, fmt.Sprintf("rtdev serve --route %s=%s", or(rt.Path, "/"), rt.To)); err != nil {
			return bad("to", err.fix, "[[serve.route]] %v", err.err)
		}
		var err error
		if rt.Path, err = target.CleanPath(rt.Path); err != nil {
			return bad("path", "", "[[serve.route]] %v", err)
		}
		if seen[rt.Path] {
			return bad("path", "", "two [[serve.route]] tables for path %s", rt.Path)
		}
		seen[rt.Path] = true
	}
	return nil
}

// targetProblem is a backend refused in rtdev.toml, with its fix.
type targetProblem struct {
	err error
	fix string
}

// loopbackTarget checks a backend named in a file: it must parse and, unless
// the developer's own rtdev.local.toml named it, be this machine. typed is
// the command that names the same target on the command line, which may go
// anywhere.
func loopbackTarget(to string, from Source, typed string) *targetProblem {
	tg, err := target.Parse(to)
	if err != nil {
		var te *target.Error
		if errors.As(err, &te) {
			return &targetProblem{err: fmt.Errorf("to: %w", err), fix: te.Hint()}
		}
		return &targetProblem{err: fmt.Errorf("to: %w", err)}
	}
	if !tg.Loopback() && !from.Typed() {
		return &targetProblem{
			err: fmt.Errorf("to = %q is not this machine: a committed rtdev.toml may only forward to localhost, 127.0.0.1 or ::1", to),
			fix: "to forward to another machine, type the target yourself: " + typed + " (or move the table to your own " + LocalConfigFileName + ")"}
	}
	return nil
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// tableKeyLine finds key in the n-th (from 0) [[name]] table, for error
// messages; 0 when it cannot tell.
func tableKeyLine(data []byte, name string, n int, key string) int {
	header := regexp.MustCompile(`^\s*\[\[\s*` + regexp.QuoteMeta(name) + `\s*\]\]`)
	anyTable := regexp.MustCompile(`^\s*\[`)
	assign := regexp.MustCompile(`^\s*"?` + regexp.QuoteMeta(key) + `"?\s*=`)
	count, start := -1, 0
	for i, line := range bytes.Split(data, []byte("\n")) {
		switch {
		case header.Match(line):
			count++
			if count == n {
				start = i + 1
			}
		case count == n && anyTable.Match(line):
			return start
		case count == n && assign.Match(line):
			return i + 1
		}
	}
	return start
}

// CheckReleaseURL accepts https:// anywhere and http:// only to a loopback
// address: rtdev.toml is committed by others, and a download a new
// developer runs must not travel in the clear over a network. A password
// in the URL would be a secret in a committed file; a query or fragment
// would break the file names appended to it.
func CheckReleaseURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return err
	}
	switch {
	case u.User != nil:
		return errors.New("must not hold a user name or password")
	case u.RawQuery != "" || u.Fragment != "" || strings.HasSuffix(raw, "?") || strings.HasSuffix(raw, "#"):
		return errors.New("must not have a query or fragment: the archive names are appended to it")
	case u.Host == "":
		return fmt.Errorf("%q is not an absolute URL such as https://example.com/rtdev/{version}", raw)
	case u.Scheme == "https":
		return nil
	case u.Scheme == "http" && netaddr.Loopback(u.Hostname()):
		return nil
	case u.Scheme == "http":
		return fmt.Errorf("http:// is allowed only to a loopback address (127.0.0.1, ::1, localhost), not %s: use https://", u.Hostname())
	default:
		return fmt.Errorf("scheme %q: use https://", u.Scheme)
	}
}

// keyLine finds the first line that assigns key, for error messages (the
// TOML library does not report positions of undecoded keys).
func keyLine(data []byte, key string) int {
	re := regexp.MustCompile(`^\s*"?` + regexp.QuoteMeta(key) + `"?\s*=`)
	for i, line := range bytes.Split(data, []byte("\n")) {
		if re.Match(line) {
			return i + 1
		}
	}
	return 0
}

// configTemplate is what init writes when a project has no rtdev.toml: the
// settings a team is likely to change, with their defaults, commented.
const configTemplate = `# rtdev.toml: rtdev's project settings. Commit this file; it holds no secrets.
# The certificate set lives in .rtdev/ (ignored by git). Docs: rtdev --help
#
# Other people run rtdev on this file (npm run dev, the onboarding script),
# so it may name ports, paths, names under localhost, test, internal, local,
# home.arpa, example or invalid, and backends on this machine. What would
# widen a CA to the web, put a file or backend on the network, or send a
# password somewhere is left out with a warning: it needs a flag you type
# or rtdev.local.toml, your own settings file (git-ignored, same keys).

# Extra names and addresses for the project certificate, besides localhost,
# 127.0.0.1, ::1, this machine's name and its LAN addresses.
hosts = [%s]

# "ecdsa" (default) or "rsa" (Create React App needs an RSA key).
key_type = %q

# Leaf validity: renewed by rtdev init / rtdev serve when a third is left.
validity = %q

# Snippets rtdev init writes to .rtdev/snippets/ (see: rtdev snippet --list).
targets = [%s]

[serve]
port = %d
path = %q
key = %q
# bind = "127.0.0.1"      # from this file, a loopback address only
# allow_override = false  # a new connection may take over a taken PeerJS id
# lan = true is ignored here: pass --lan (or set it in rtdev.local.toml)

# rtdev proxy, run without --to, puts TLS in front of these plain servers.
# Targets here must be this machine (a port, localhost:PORT, 127.0.0.1:PORT).
# [[proxy]]
# port = 8443
# to = "8000"
# path = "/"

# How scripts/rtdev-onboard.sh (rtdev init --onboarding-script) installs rtdev
# for a new developer: "release" (with release_url), "npm" or "go".
# [onboarding]
# install = "release"
# release_url = "https://example.com/rtdev/releases/{version}"
`

// RenderConfig returns the text init writes for a new rtdev.toml.
func RenderConfig(c Config) []byte {
	return []byte(fmt.Sprintf(configTemplate, quoteList(c.Hosts), c.KeyType, c.Validity,
		quoteList(c.Targets), c.Serve.Port, c.Serve.Path, c.Serve.Key))
}

func quoteList(items []string) string {
	q := make([]string, len(items))
	for i, s := range items {
		q[i] = fmt.Sprintf("%q", s)
	}
	return strings.Join(q, ", ")
}

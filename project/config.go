package project

import (
	"bytes"
	"errors"
	"fmt"
	"net/netip"
	"net/url"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
)

// ConfigFileName is the committed project file.
const ConfigFileName = "rtdev.toml"

// Config is rtdev.toml. Every field is optional; Defaults fills the gaps.
// Nothing in it is secret: it is meant to be committed so that every
// developer of the app gets the same cert names and server settings.
type Config struct {
	// Hosts are extra names and addresses for the project certificate
	// (app.localhost, a custom *.test name, a fixed LAN IP).
	Hosts []string `toml:"hosts"`
	// KeyType is "ecdsa" (default) or "rsa" (Create React App needs RSA).
	KeyType string `toml:"key_type"`
	// Validity of the project leaf, as "90d", "14d", "1y" (at most 825 days).
	Validity string `toml:"validity"`
	// Targets are the snippet targets init writes (vite, peerjs, nginx, ...).
	Targets    []string   `toml:"targets"`
	Serve      Serve      `toml:"serve"`
	Onboarding Onboarding `toml:"onboarding"`
}

// Onboarding is how the onboarding script (rtdev init --onboarding-script)
// installs rtdev on a machine that lacks it. The script pins the rtdev
// release that wrote it whichever way is chosen.
type Onboarding struct {
	// Install is "release" (the archive from ReleaseURL, checked against its
	// checksums.txt), "npm" (the app's devDependency, run with npx) or "go"
	// (go install of the pinned version). Empty: go install when Go is there.
	Install string `toml:"install"`
	// ReleaseURL is the folder that holds the release's archives and
	// checksums.txt; "{version}" in it becomes the pinned version (1.2.3).
	// https://, or http:// to a loopback address (a mirror on this machine).
	ReleaseURL string `toml:"release_url"`
}

// Serve holds the `rtdev serve` settings; names follow peerjs-server's flags.
type Serve struct {
	Port            int      `toml:"port"`
	Path            string   `toml:"path"`
	Key             string   `toml:"key"`
	ExpireTimeout   Duration `toml:"expire_timeout"`
	AliveTimeout    Duration `toml:"alive_timeout"`
	ConcurrentLimit int      `toml:"concurrent_limit"`
	AllowDiscovery  bool     `toml:"allow_discovery"`
	AllowOverride   bool     `toml:"allow_override"`
	CORS            []string `toml:"cors"`
	Bind            string   `toml:"bind"`
	// LAN listens on every interface and adds 10.0.2.2 (the Android
	// emulator's name for the host) to the certificate.
	LAN    bool   `toml:"lan"`
	Static string `toml:"static"`
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
			Port:            9000,
			Path:            "/",
			Key:             "peerjs",
			ExpireTimeout:   Duration{5 * time.Second},
			AliveTimeout:    Duration{60 * time.Second},
			ConcurrentLimit: 5000,
			Bind:            "127.0.0.1",
		},
	}
}

// ConfigError is a problem in rtdev.toml; it names the file and, when known,
// the line.
type ConfigError struct {
	Path string
	Line int
	Err  error
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
	return "fix " + e.Path + " (the keys rtdev.toml takes are listed in the README), then run the command again"
}

// LoadConfig reads rtdev.toml at path over Defaults. A missing file gives the
// defaults and exists=false. An unknown key (a typo such as "prot") is an
// error naming the key and its line, so a setting never silently does nothing.
func LoadConfig(path string) (cfg Config, exists bool, err error) {
	cfg = Defaults()
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return cfg, false, nil
	}
	if err != nil {
		return cfg, false, fmt.Errorf("read %s: %w", path, err)
	}
	md, err := toml.Decode(string(data), &cfg)
	if err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			return cfg, true, &ConfigError{Path: path, Line: pe.Position.Line, Err: errors.New(pe.Message)}
		}
		return cfg, true, &ConfigError{Path: path, Err: err}
	}
	if und := md.Undecoded(); len(und) > 0 {
		k := und[0]
		return cfg, true, &ConfigError{
			Path: path,
			Line: keyLine(data, k[len(k)-1]),
			Err:  fmt.Errorf("unknown key %q", k.String()),
		}
	}
	return cfg, true, cfg.validate(path)
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
	if c.Serve.Port < 1 || c.Serve.Port > 65535 {
		return bad("serve.port %d: use a port from 1 to 65535", c.Serve.Port)
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
	case u.Scheme == "http" && isLoopback(u.Hostname()):
		return nil
	case u.Scheme == "http":
		return fmt.Errorf("http:// is allowed only to a loopback address (127.0.0.1, ::1, localhost), not %s: use https://", u.Hostname())
	default:
		return fmt.Errorf("scheme %q: use https://", u.Scheme)
	}
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.IsLoopback()
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
# bind = "127.0.0.1"     # lan = true listens on every interface
# allow_override = false  # a new connection may take over a taken PeerJS id

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

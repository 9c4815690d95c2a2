package project

import (
	"bytes"
	"errors"
	"fmt"
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
	Targets []string `toml:"targets"`
	Serve   Serve    `toml:"serve"`
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
	// Cluster is the Redis URL of rtdev serve --cluster; cmd accepts only
	// a loopback one without a password here, since the file is committed.
	Cluster string `toml:"cluster"`
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
	return nil
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

package compose

import (
	"bytes"
	"fmt"
	"strings"

	"go.yaml.in/yaml/v4"

	"github.com/rtdev/rtdev/imagetrust"
	"github.com/rtdev/rtdev/project"
	"github.com/rtdev/rtdev/templates"
)

// HostGateway is the extra_hosts entry that makes host.docker.internal the
// host on Docker Engine for Linux (Engine 20.10+; Docker Desktop and Podman
// answer the name themselves, and the entry does no harm there). The
// "NAME:IP" spelling, not "NAME=IP": Compose before v2.24.1 reads only it.
var HostGateway = project.ContainerHosts[0] + ":host-gateway"

// KeyGIDVar is the variable the override's group_add reads: the group that
// owns .rtdev/key.group.pem, one developer's value, so it lives in .env and
// never in the committed override.
const KeyGIDVar = "RTDEV_KEY_GID"

// keyGroup is the group_add entry; Compose stops with the message when the
// variable is unset, instead of starting a server that cannot read its key.
const keyGroup = "${" + KeyGIDVar + ":?run rtdev snippet compose --write, or set " + KeyGIDVar + " to the group of .rtdev/key.group.pem}"

// Options are the project facts the override depends on.
type Options struct {
	// TrustStore says whether .rtdev/truststore.p12 exists (it needs a
	// system bundle); without it Java gets no settings.
	TrustStore bool
}

// Result is a generated override.
type Result struct {
	// YAML is the override file, header comment included.
	YAML []byte
	// Services say what each service got, in name order.
	Services []Service
	// ServesTLS is true when some service mounts the key copy: the key
	// copy and KeyGIDVar are then needed.
	ServesTLS bool
	// UsesAdapter is true when some service runs the entrypoint adapter:
	// .rtdev/snippets/container-trust.sh is then needed.
	UsesAdapter bool
}

// Service is what the override gives one service.
type Service struct {
	Name string
	Kind Kind
	// Alias is the name other services reach it by over TLS, or "".
	Alias string
	// Notes are what the developer has to add by hand (the nginx or Caddy
	// lines) or why something was left out, one line each.
	Notes []string
}

type serviceOut struct {
	Entrypoint  []string              `yaml:"entrypoint,omitempty"`
	Command     any                   `yaml:"command,omitempty"`
	Environment map[string]string     `yaml:"environment"`
	Volumes     []volumeOut           `yaml:"volumes"`
	ExtraHosts  []string              `yaml:"extra_hosts"`
	GroupAdd    []string              `yaml:"group_add,omitempty"`
	Networks    map[string]networkOut `yaml:"networks,omitempty"`
}

type volumeOut struct {
	Type     string `yaml:"type"`
	Source   string `yaml:"source"`
	Target   string `yaml:"target"`
	ReadOnly bool   `yaml:"read_only"`
}

type networkOut struct {
	Aliases []string `yaml:"aliases"`
}

// Generate makes the override for m.
func Generate(m *Model, o Options) (*Result, error) {
	trustEnv, err := trustEnvironment(o.TrustStore)
	if err != nil {
		return nil, err
	}
	res := &Result{}
	out := map[string]serviceOut{}
	for _, name := range m.ServiceNames() {
		s := m.Project.Services[name]
		kind, tag := imageKind(s.Image)
		so := serviceOut{Environment: map[string]string{}, ExtraHosts: []string{HostGateway}}
		for _, v := range trustEnv {
			val := v.Value
			if base := rawEnv(m.Raw[name], v.Name); v.Append && base != "" {
				val = base + " " + val
			}
			so.Environment[v.Name] = val
		}
		for _, mt := range trustMounts(o.TrustStore) {
			so.Volumes = append(so.Volumes, volumeOut{"bind", mt.source(), mt.target, true})
		}
		svc := Service{Name: name, Kind: kind}
		if useAdapter(&svc, kind, m.Raw[name], s.User) {
			res.UsesAdapter = true
			mt := adapterMount()
			so.Volumes = append(so.Volumes, volumeOut{"bind", mt.source(), mt.target, true})
			so.Entrypoint = []string{"/bin/sh", imagetrust.AdapterPath}
		}
		if kind.ServesTLS() {
			res.ServesTLS = true
			for _, mt := range tlsMounts() {
				so.Volumes = append(so.Volumes, volumeOut{"bind", mt.source(), mt.target, true})
			}
			so.GroupAdd = []string{keyGroup}
			serveTLS(&so, &svc, kind, tag, m.Raw[name])
			svc.Alias, so.Networks = aliases(name, s.NetworkMode, s.Networks, &svc)
		}
		out[name] = so
		res.Services = append(res.Services, svc)
	}
	var b bytes.Buffer
	b.WriteString(header(m.Files))
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(map[string]any{"services": out}); err != nil {
		return nil, fmt.Errorf("write %s: %w", OverrideFile, err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("write %s: %w", OverrideFile, err)
	}
	res.YAML = b.Bytes()
	return res, nil
}

// useAdapter decides whether a service runs the entrypoint adapter, which
// adds the CA to the image's own store before the service's command: only
// when the compose entry states its command (without an engine rtdev
// cannot read the image's entrypoint, which the adapter replaces) and it
// runs as root (no one else can write the store). Otherwise it notes what
// to add by hand.
func useAdapter(svc *Service, kind Kind, raw map[string]any, user string) bool {
	if kind == KindPeerJSServer || kind == KindCentrifugo || argsOnly(raw["command"]) {
		// Its command is arguments to the image's entrypoint (peerjs-server's
		// node peerjs.js, centrifugo's binary), which the adapter would
		// replace.
		svc.Notes = append(svc.Notes, "its command is arguments to its image's entrypoint, which the adapter would replace: the environment route applies")
		return false
	}
	if u, _, _ := strings.Cut(user, ":"); u != "" && u != "root" && u != "0" {
		svc.Notes = append(svc.Notes, "runs as "+user+", who cannot write the image's store: the environment route applies")
		return false
	}
	if _, ok := raw["entrypoint"]; ok {
		svc.Notes = append(svc.Notes, "its entrypoint is its own: to add the CA to the image's store, run "+imagetrust.AdapterPath+" before it (rtdev snippet container-trust)")
		return false
	}
	if _, ok := raw["command"]; !ok {
		svc.Notes = append(svc.Notes, "no command in its compose entry, so its image's entrypoint is kept: to add the CA to the image's store, set entrypoint: [/bin/sh, "+imagetrust.AdapterPath+"] and its command")
		return false
	}
	return true
}

// argsOnly reports whether a compose command (a string or a list) starts
// with an option: arguments for the image's entrypoint, not a command.
func argsOnly(cmd any) bool {
	switch c := cmd.(type) {
	case string:
		return strings.HasPrefix(strings.TrimSpace(c), "-")
	case []any:
		return len(c) > 0 && strings.HasPrefix(fmt.Sprint(c[0]), "-")
	}
	return false
}

// trustEnvironment is what `rtdev env` sets (templates.EnvVars), pointed at
// the mounted files, plus GIT_SSL_CAINFO: git in a container clones over
// HTTPS with curl's roots, and the variable replaces them, hence the bundle.
func trustEnvironment(trustStore bool) ([]templates.EnvVar, error) {
	d := templates.Data{CAFile: CAPath, BundleFile: BundlePath}
	if trustStore {
		d.TrustStoreFile, d.TrustStorePassword = TrustStorePath, project.TrustStorePassword
	}
	vars, err := templates.EnvVars(d)
	if err != nil {
		return nil, fmt.Errorf("compose environment: %w", err)
	}
	return append(vars, templates.EnvVar{Name: "GIT_SSL_CAINFO", Value: BundlePath}), nil
}

// serveTLS points the servers rtdev knows at the mounted certificate and
// key, or says what to add where rtdev cannot write it for them.
func serveTLS(so *serviceOut, svc *Service, kind Kind, tag string, raw map[string]any) {
	switch kind {
	case KindCentrifugo:
		// Environment names are CENTRIFUGO_ plus the option's path in
		// capitals; v6 moved TLS under http_server.tls, and its *_pem
		// options take a file path too.
		if centrifugoV5(tag) {
			so.Environment["CENTRIFUGO_TLS"] = "true"
			so.Environment["CENTRIFUGO_TLS_CERT"] = CertPath
			so.Environment["CENTRIFUGO_TLS_KEY"] = KeyPath
		} else {
			so.Environment["CENTRIFUGO_HTTP_SERVER_TLS_ENABLED"] = "true"
			so.Environment["CENTRIFUGO_HTTP_SERVER_TLS_CERT_PEM"] = CertPath
			so.Environment["CENTRIFUGO_HTTP_SERVER_TLS_KEY_PEM"] = KeyPath
		}
	case KindPeerJSServer:
		// The image's entrypoint is `node peerjs.js` and it reads the port
		// from PORT; TLS is only on its command line (--sslkey and
		// --sslcert, both or neither). The override's command replaces
		// the service's, so that is kept in front.
		so.Command = peerjsCommand(raw["command"])
	case KindNginx:
		svc.Notes = append(svc.Notes, fmt.Sprintf("add to its server block: listen 443 ssl; ssl_certificate %s; ssl_certificate_key %s;", CertPath, KeyPath))
	case KindCaddy:
		svc.Notes = append(svc.Notes, fmt.Sprintf("add to its site block in the Caddyfile: tls %s %s", CertPath, KeyPath))
	}
}

// peerjsCommand is the service's own command (as written, string or list)
// with the TLS flags after it.
func peerjsCommand(cmd any) any {
	flags := []string{"--sslkey", KeyPath, "--sslcert", CertPath}
	switch c := cmd.(type) {
	case string:
		if strings.Contains(c, "--sslkey") {
			return c
		}
		return strings.TrimSpace(c + " " + strings.Join(flags, " "))
	case []any:
		out := make([]string, 0, len(c)+len(flags))
		for _, a := range c {
			s := fmt.Sprint(a)
			if s == "--sslkey" {
				return c
			}
			out = append(out, s)
		}
		return append(out, flags...)
	}
	return flags
}

// rawEnv is the service's own, uninterpolated value of variable name, in
// either of the forms Compose accepts (a mapping or a list of NAME=VALUE).
func rawEnv(raw map[string]any, name string) string {
	switch env := raw["environment"].(type) {
	case map[string]any:
		if v, ok := env[name]; ok && v != nil {
			return fmt.Sprint(v)
		}
	case []any:
		for _, e := range env {
			if k, v, ok := strings.Cut(fmt.Sprint(e), "="); ok && k == name {
				return v
			}
		}
	}
	return ""
}

package templates

import (
	"fmt"
	"path/filepath"
	"strings"
)

// EnvVar is one variable `rtdev env` sets.
// Its JSON form is what `rtdev env --json` prints.
type EnvVar struct {
	Name  string `json:"name"`
	Value string `json:"value"`
	// Append adds Value to what the variable already holds, separated by a
	// space, instead of replacing it (JAVA_TOOL_OPTIONS).
	Append bool   `json:"append,omitempty"`
	Why    string `json:"why"` // one line, printed as a comment above it
}

// EnvVars lists what runtimes need to trust the rtdev CA. Variables that add
// to the default roots get ca.pem; those that replace them get the combined
// bundle, never the rtdev CA alone, or every public site would stop verifying.
func EnvVars(d Data) ([]EnvVar, error) {
	if d.CAFile == "" {
		return nil, &MissingFileError{Target: "env", File: "ca.pem"}
	}
	if d.BundleFile == "" || filepath.Clean(d.BundleFile) == filepath.Clean(d.CAFile) {
		return nil, &UnsafeBundleError{Bundle: d.BundleFile}
	}
	vars := []EnvVar{
		{Name: "NODE_EXTRA_CA_CERTS", Value: d.CAFile, Why: "Node and Bun add it to their roots; read once at start-up"},
		{Name: "DENO_CERT", Value: d.CAFile, Why: "Deno adds it to its roots"},
		{Name: "SSL_CERT_FILE", Value: d.BundleFile, Why: "OpenSSL (Python ssl, curl, Ruby, PHP) and Go on Linux: replaces the system bundle, hence system roots + rtdev CA"},
		{Name: "REQUESTS_CA_BUNDLE", Value: d.BundleFile, Why: "Python requests: replaces certifi"},
		{Name: "CURL_CA_BUNDLE", Value: d.BundleFile, Why: "curl, and requests when REQUESTS_CA_BUNDLE is unset"},
	}
	if d.TrustStoreFile != "" {
		opts := []string{
			jvmQuote("-Djavax.net.ssl.trustStore=" + d.TrustStoreFile),
			"-Djavax.net.ssl.trustStoreType=PKCS12",
		}
		if d.TrustStorePassword != "" {
			opts = append(opts, jvmQuote("-Djavax.net.ssl.trustStorePassword="+d.TrustStorePassword))
		}
		vars = append(vars, EnvVar{
			Name:   "JAVA_TOOL_OPTIONS",
			Value:  strings.Join(opts, " "),
			Append: true,
			Why:    "Java: the system roots plus the rtdev CA as a truststore (trustStore replaces cacerts)",
		})
	}
	return vars, nil
}

// Shells are the shells RenderEnv writes for.
func Shells() []string { return []string{"sh", "fish", "powershell"} }

// CheckShell says whether RenderEnv writes for shell, so a command can
// refuse a typo before it loads or writes anything: nil, or an
// *UnknownShellError.
func CheckShell(shell string) error {
	_, err := syntaxFor(shell)
	return err
}

// envSyntax is how one shell loads, sets and appends to a variable.
type envSyntax struct {
	usage    string
	set      func(name, value string) string
	appendTo func(name, value string) string
}

// syntaxFor is the syntax of shell: sh (also bash and zsh), fish or
// powershell (also pwsh).
func syntaxFor(shell string) (envSyntax, error) {
	switch shell {
	case "sh", "bash", "zsh":
		return envSyntax{
			usage: `eval "$(rtdev env)"`,
			set:   func(n, v string) string { return "export " + n + "=" + quoteSh(v) },
			// ${VAR:+$VAR } is empty when VAR is unset or empty (POSIX 2.6.2).
			appendTo: func(n, v string) string {
				return "export " + n + `="${` + n + ":+$" + n + ` }"` + quoteSh(v)
			},
		}, nil
	case "fish":
		return envSyntax{
			usage: "rtdev env --shell fish | source",
			set:   func(n, v string) string { return "set -gx " + n + " " + quoteFish(v) },
			appendTo: func(n, v string) string {
				return "set -gx " + n + ` (string trim -- "$` + n + ` "` + quoteFish(v) + ")"
			},
		}, nil
	case "powershell", "pwsh":
		return envSyntax{
			usage: "rtdev env --shell powershell | Out-String | Invoke-Expression",
			set:   func(n, v string) string { return "$env:" + n + " = " + quotePowerShell(v) },
			appendTo: func(n, v string) string {
				return "$env:" + n + " = (\"$env:" + n + " \" + " + quotePowerShell(v) + ").Trim()"
			},
		}, nil
	}
	return envSyntax{}, &UnknownShellError{Shell: shell}
}

// RenderEnv is what `rtdev env --shell SHELL` prints: the EnvVars as
// assignments for sh (also bash and zsh), fish or powershell, each value
// quoted for that shell.
func RenderEnv(shell string, d Data) (string, error) {
	syn, err := syntaxFor(shell)
	if err != nil {
		return "", err
	}
	usage, set, appendTo := syn.usage, syn.set, syn.appendTo
	vars, err := EnvVars(d)
	if err != nil {
		return "", fmt.Errorf("env: %w", err)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# rtdev: make runtimes trust the rtdev CA. Load with: %s\n", usage)
	for _, v := range vars {
		b.WriteString("# " + v.Why + "\n")
		if v.Append {
			b.WriteString(appendTo(v.Name, v.Value) + "\n")
		} else {
			b.WriteString(set(v.Name, v.Value) + "\n")
		}
	}
	return b.String(), nil
}

package devserver

import (
	"errors"
	"net/url"
	"strings"
)

// clusterPrefix is the part of every Redis key and channel name that makes
// a realm: instances with the same path and key on the same Redis (and
// database) are one realm. Both are escaped so that neither can reach into
// the other's part of the name.
func clusterPrefix(path, key string) string {
	return "rtdev:" + url.QueryEscape(path) + ":" + url.QueryEscape(key) + ":"
}

// globEscape escapes s for a SCAN MATCH pattern, which treats *, ?, [ and
// \ as special.
func globEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(`*?[]\`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// errClusterURL is the one thing said about a URL that does not parse: the
// parser's own error quotes the URL, password and all.
var errClusterURL = errors.New("not a Redis URL: use redis://HOST:PORT/DB or rediss://HOST:PORT/DB (password as redis://:PASSWORD@HOST or in REDIS_PASSWORD)")

// redactURL returns raw as it may be shown (password redacted), or an
// error that does not quote it.
func redactURL(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "redis" && u.Scheme != "rediss") || u.Host == "" || u.Opaque != "" {
		return "", errClusterURL
	}
	return u.Redacted(), nil
}

// ClusterHost returns the host of a cluster URL, for the caller's checks
// (rtdev.toml may name a loopback Redis only).
func ClusterHost(raw string) (string, error) {
	if _, err := redactURL(raw); err != nil {
		return "", err
	}
	u, _ := url.Parse(raw)
	return u.Hostname(), nil
}

// RedactClusterURL is raw with its password replaced by "xxxxx", as every
// log line and error shows it; a URL that does not parse is shown as a
// placeholder, since it may hold a password anywhere.
func RedactClusterURL(raw string) string {
	shown, err := redactURL(raw)
	if err != nil {
		return "(invalid Redis URL)"
	}
	return shown
}

// urlPassword is the password in a cluster URL, or "".
func urlPassword(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return ""
	}
	p, _ := u.User.Password()
	return p
}

// redactedError is an error whose text had a secret cut out; errors.Is and
// errors.As still see the original.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

// redactErr replaces secret in err's text with "xxxxx".
func redactErr(err error, secret string) error {
	if err == nil || secret == "" || !strings.Contains(err.Error(), secret) {
		return err
	}
	return &redactedError{msg: strings.ReplaceAll(err.Error(), secret, "xxxxx"), err: err}
}

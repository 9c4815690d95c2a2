package cluster

import (
	"errors"
	"net/url"
	"strings"

	"github.com/redis/go-redis/v9"
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

// redactURL returns raw as it may be shown (passwords redacted), or an
// error that does not quote it.
func redactURL(raw string) (string, error) {
	u, err := parseClusterURL(raw)
	if err != nil {
		return "", err
	}
	u.RawQuery = redactQuery(u.RawQuery)
	return u.Redacted(), nil
}

// CheckURL refuses a URL the Redis client does not take. Its parser's
// error names an option it does not know, or quotes a value it cannot
// read, so the passwords are cut out of it.
func CheckURL(raw string) error {
	if _, err := parseClusterURL(raw); err != nil {
		return err
	}
	if _, err := redis.ParseURL(raw); err != nil {
		return redactErr(err, urlSecrets(raw)...)
	}
	return nil
}

func parseClusterURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "redis" && u.Scheme != "rediss") || u.Host == "" || u.Opaque != "" {
		return nil, errClusterURL
	}
	return u, nil
}

// redactQuery replaces the value of every query option that names a
// password with "xxxxx". go-redis reads password= from the query of its
// failover URLs, so developers write redis://HOST/0?password=...; --cluster's
// parser refuses the option, and the URL is shown with that error. The
// other options go-redis reads there (db, protocol, client_name, timeouts,
// pool sizes, skip_verify) hold no secret and stay readable. Keys are
// compared unescaped, as the parser reads them (pass%77ord is password);
// a part whose key does not unescape, or that holds a ';' (which Go's query
// parser rejects), is shown as "xxxxx" whole.
func redactQuery(q string) string {
	if q == "" {
		return q
	}
	parts := strings.Split(q, "&")
	for i, part := range parts {
		k, _, hasValue := strings.Cut(part, "=")
		key, err := url.QueryUnescape(k)
		switch {
		case err != nil || strings.Contains(part, ";"):
			parts[i] = "xxxxx"
		case hasValue && secretOption(key):
			parts[i] = k + "=xxxxx"
		}
	}
	return strings.Join(parts, "&")
}

// secretOption reports whether a URL query option names a password
// (password, sentinel_password, passwd, any case).
func secretOption(key string) bool {
	return strings.Contains(strings.ToLower(key), "pass")
}

// urlSecrets are the passwords in a cluster URL: the userinfo one and the
// values of query options that name one, unescaped as a parser reads them
// and as raw text, for cutting out of an error that may quote either.
func urlSecrets(raw string) []string {
	u, err := url.Parse(raw)
	if err != nil {
		return nil
	}
	var out []string
	if u.User != nil {
		if p, ok := u.User.Password(); ok {
			out = append(out, p)
		}
	}
	for part := range strings.SplitSeq(u.RawQuery, "&") {
		k, v, _ := strings.Cut(part, "=")
		if key, err := url.QueryUnescape(k); err == nil && !secretOption(key) {
			continue
		}
		out = append(out, v)
		if uv, err := url.QueryUnescape(v); err == nil && uv != v {
			out = append(out, uv)
		}
	}
	return out
}

// Host returns the host of a cluster URL, for the caller's checks
// (rtdev.toml may name a loopback Redis only).
func Host(raw string) (string, error) {
	u, err := parseClusterURL(raw)
	if err != nil {
		return "", err
	}
	return u.Hostname(), nil
}

// RedactURL is raw with its passwords replaced by "xxxxx", as every
// log line and error shows it; a URL that does not parse is shown as a
// placeholder, since it may hold a password anywhere.
func RedactURL(raw string) string {
	shown, err := redactURL(raw)
	if err != nil {
		return "(invalid Redis URL)"
	}
	return shown
}

// redactedError is an error whose text had a secret cut out; errors.Is and
// errors.As still see the original.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

// redactErr replaces each of secrets in err's text with "xxxxx".
func redactErr(err error, secrets ...string) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	for _, s := range secrets {
		if s != "" {
			msg = strings.ReplaceAll(msg, s, "xxxxx")
		}
	}
	if msg == err.Error() {
		return err
	}
	return &redactedError{msg: msg, err: err}
}

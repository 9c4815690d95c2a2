package trust

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"strings"
)

// maxNSSNicknames bounds the certificates read from one database: a
// browser's own database holds the few CAs a user added (the built-in roots
// live in a module certutil -L does not list), so more is not a browser's.
const maxNSSNicknames = 256

// Root is a CA certificate a store trusts to issue TLS server certificates.
type Root struct {
	Store    string
	Location string
	// Browser is the browser that reads Location ("Chromium", "Firefox").
	Browser string
	Cert    *x509.Certificate
}

// NSSRoots lists the CA certificates the NSS databases of Chromium and
// Firefox trust for TLS servers (trust flag C in the SSL column), whoever
// added them. It is how doctor judges a chain from a CA that is not rtdev's
// (a team's CA a browser was told to trust) by what the browsers read,
// instead of by the system store alone. It only reads; a database that
// cannot be read is left out and its error returned with the rest.
func NSSRoots(ctx context.Context, env Env) ([]Root, error) {
	s := &nssStore{env: env.withDefaults()}
	certutil, dbs, res := s.prepare()
	if res != nil {
		return nil, res[0].Err
	}
	var out []Root
	var firstErr error
	for _, db := range dbs {
		if db.create {
			continue
		}
		roots, err := s.roots(ctx, certutil, db)
		if err != nil && firstErr == nil {
			firstErr = err
		}
		out = append(out, roots...)
	}
	return out, firstErr
}

// roots reads one database: the nicknames trusted as CAs for SSL, then
// each one's certificates (a nickname may hold several).
func (s *nssStore) roots(ctx context.Context, certutil string, db nssDB) ([]Root, error) {
	out, err := s.env.exec(ctx, nil, certutil, "-L", "-d", db.spec())
	if err != nil {
		return nil, err
	}
	var roots []Root
	for _, nick := range sslCANicknames(string(out)) {
		pemOut, err := s.env.exec(ctx, nil, certutil, "-L", "-d", db.spec(), "-n", nick, "-a")
		if err != nil {
			return roots, err
		}
		for _, c := range parsePEMCerts(pemOut) {
			if c.IsCA {
				roots = append(roots, Root{Store: StoreNSS, Location: db.dir, Browser: db.browser, Cert: c})
			}
		}
	}
	return roots, nil
}

// sslCANicknames parses `certutil -L`: a two-line header, then one line per
// certificate, its nickname (which may hold spaces) and its trust flags
// "SSL,S/MIME,JAR/XPI" last. C in the SSL field is a CA trusted to issue
// server certificates.
func sslCANicknames(list string) []string {
	var nicks []string
	for _, line := range strings.Split(list, "\n") {
		line = strings.TrimSpace(line)
		i := strings.LastIndexAny(line, " \t")
		if i < 0 {
			continue
		}
		nick, flags := strings.TrimSpace(line[:i]), line[i+1:]
		ssl, _, ok := strings.Cut(flags, ",")
		if !ok || strings.Count(flags, ",") != 2 || !strings.Contains(ssl, "C") || nick == "" {
			continue
		}
		nicks = append(nicks, nick)
		if len(nicks) == maxNSSNicknames {
			break
		}
	}
	return nicks
}

// parsePEMCerts returns every certificate in data that parses.
func parsePEMCerts(data []byte) []*x509.Certificate {
	var certs []*x509.Certificate
	for {
		var b *pem.Block
		b, data = pem.Decode(data)
		if b == nil {
			return certs
		}
		if b.Type != "CERTIFICATE" {
			continue
		}
		if c, err := x509.ParseCertificate(b.Bytes); err == nil {
			certs = append(certs, c)
		}
	}
}

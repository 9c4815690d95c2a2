package doctor

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/x509"
	"errors"
	"slices"
	"strconv"
	"strings"

	"github.com/rtdev/rtdev/ca"
	"github.com/rtdev/rtdev/internal/shell"
)

// Smallest keys browsers and Apple's platforms accept for TLS servers
// (support.apple.com/103769; CA/Browser Forum Baseline Requirements §6.1.5).
const (
	minRSABits   = 2048
	minCurveBits = 256
)

// checkCert judges the chain a server presented: dates, name, authority and
// key, each reported on its own so one problem does not hide another.
func (p *prober) checkCert(ctx context.Context, chain []*x509.Certificate) []Finding {
	if len(chain) == 0 {
		return []Finding{p.finding(IDCertChainInvalid, SeverityError, "the server presented no certificate", "", nil)}
	}
	leaf := chain[0]
	fix := p.reissueFix(chain)
	var out []Finding
	out = append(out, p.checkCertDates(chain, fix)...)
	if err := leaf.VerifyHostname(p.t.Host); err != nil {
		names := certNames(leaf)
		fixName, details := p.nameMismatchFix(chain)
		if details == nil {
			details = map[string]any{}
		}
		details["host"], details["names"] = p.t.Host, names
		msg := "the certificate covers " + listOrNone(names) + " but not " + p.t.Host + ", the host asked for (ERR_CERT_COMMON_NAME_INVALID)"
		if p.otherThanProject(leaf) {
			msg += "; the project's certificate covers it, but the server presents another"
		}
		out = append(out, p.finding(IDCertNameMismatch, SeverityError, msg, fixName, details))
	}
	out = append(out, p.checkAuthority(ctx, chain, fix)...)
	out = append(out, p.checkKey(leaf, fix)...)
	if !hasProblem(out) {
		out = append(out, p.finding(IDCertOK, SeverityOK,
			"the certificate is valid for "+p.t.Host+" until "+date(leaf.NotAfter)+", issued by "+leaf.Issuer.CommonName, "",
			certDetails(leaf)))
	}
	return out
}

func listOrNone(names []string) string {
	if len(names) == 0 {
		return "no names"
	}
	return strings.Join(names, ", ")
}

func certDetails(c *x509.Certificate) map[string]any {
	return map[string]any{
		"subject":     c.Subject.String(),
		"issuer":      c.Issuer.String(),
		"names":       certNames(c),
		"not_before":  date(c.NotBefore),
		"not_after":   date(c.NotAfter),
		"fingerprint": fingerprint(c),
	}
}

// signedByRTDev reports whether the user's rtdev CA is, or signed, a
// certificate of the chain.
func (p *prober) signedByRTDev(chain []*x509.Certificate) bool {
	if p.o.RTDevCA == nil {
		return false
	}
	return slices.ContainsFunc(chain, func(c *x509.Certificate) bool {
		return bytes.Equal(c.Raw, p.o.RTDevCA.Raw) || c.CheckSignatureFrom(p.o.RTDevCA) == nil
	})
}

// reissueFix is how to get a better certificate: the project's when the
// server presents another and the project's covers the host, rtdev init for
// the project's own, rtdev cert otherwise.
func (p *prober) reissueFix(chain []*x509.Certificate) string {
	if p.otherThanProject(chain[0]) {
		return p.serveProjectFix()
	}
	if p.signedByRTDev(chain) {
		return fixInit
	}
	return "rtdev cert " + shell.Quote(p.t.Host)
}

// checkCertDates reports every certificate of the chain that is outside
// its validity period.
func (p *prober) checkCertDates(chain []*x509.Certificate, fix string) []Finding {
	var out []Finding
	for i, c := range chain {
		which := "the certificate"
		if i > 0 {
			which = "the chain certificate " + c.Subject.CommonName
		}
		details := certDetails(c)
		details["now"] = date(p.o.Now)
		switch {
		case p.o.Now.After(c.NotAfter):
			out = append(out, p.finding(IDCertExpired, SeverityError,
				which+" expired on "+date(c.NotAfter)+" (ERR_CERT_DATE_INVALID)", fix, details))
		case p.o.Now.Before(c.NotBefore):
			out = append(out, p.finding(IDCertNotYetValid, SeverityError,
				which+" is not valid until "+date(c.NotBefore)+": a clock is wrong or it was made with a future date (ERR_CERT_DATE_INVALID)", fix, details))
		}
	}
	return out
}

// checkAuthority verifies the chain against RootCAs, apart from the dates
// of the presented certificates (checkCertDates reports them; a root's are
// reported here) and without a name (checked on its own), and names what is
// wrong with the authority. fix is the chain's reissueFix.
func (p *prober) checkAuthority(ctx context.Context, chain []*x509.Certificate, fix string) []Finding {
	opts := verifyOptions(chain, p.o.RootCAs)
	err := verifyApartFromDates(chain[0], &opts, p.o.Now, chain)
	if p.o.Clients != nil && p.signedByRTDev(chain) {
		return p.checkClients(ctx, chain, err, fix)
	}
	if err == nil {
		return nil
	}
	return p.authorityProblem(ctx, chain, opts, err, fix)
}

func verifyOptions(chain []*x509.Certificate, roots *x509.CertPool) x509.VerifyOptions {
	opts := x509.VerifyOptions{
		Roots:         roots,
		Intermediates: x509.NewCertPool(),
		KeyUsages:     []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	for _, c := range chain[1:] {
		opts.Intermediates.AddCert(c)
	}
	return opts
}

// checkClients judges a chain from the user's rtdev CA: first as a client
// trusting that CA would (name constraints, signature), then per client
// family from the stores they read. systemErr is the verdict of RootCAs,
// the roots Go and the OS tools use.
func (p *prober) checkClients(ctx context.Context, chain []*x509.Certificate, systemErr error, fix string) []Finding {
	roots := x509.NewCertPool()
	roots.AddCert(p.o.RTDevCA)
	opts := verifyOptions(chain, roots)
	if err := verifyApartFromDates(chain[0], &opts, p.o.Now, chain); err != nil {
		return p.authorityProblem(ctx, chain, opts, err, fix)
	}
	clients := slices.Clone(p.o.Clients)
	for i := range clients {
		if clients[i].Family == FamilyOSTools && systemErr == nil {
			clients[i].Trusted = true
		}
	}
	details := certDetails(chain[0])
	if systemErr != nil {
		details["error"] = systemErr.Error()
	}
	return p.clientVerdict(clients, details)
}

// authorityProblem names what is wrong with the authority of a chain that
// failed verification with err.
func (p *prober) authorityProblem(ctx context.Context, chain []*x509.Certificate, opts x509.VerifyOptions, err error, fix string) []Finding {
	details := certDetails(chain[0])
	details["error"] = err.Error()
	var uae x509.UnknownAuthorityError
	var iae x509.InsecureAlgorithmError
	var cie x509.CertificateInvalidError
	switch {
	case errors.As(err, &uae):
		return []Finding{p.unknownAuthority(ctx, chain, opts, details)}
	case errors.As(err, &iae):
		return []Finding{p.finding(IDCertWeakSignature, SeverityError,
			"the certificate is signed with "+x509.SignatureAlgorithm(iae).String()+", which browsers and Go reject", fix, details)}
	case errors.As(err, &cie) && cie.Reason == x509.Expired:
		return []Finding{p.finding(IDCertExpired, SeverityError,
			"the CA certificate "+cie.Cert.Subject.CommonName+" is outside its validity ("+date(cie.Cert.NotBefore)+" to "+date(cie.Cert.NotAfter)+")",
			"", details)}
	case errors.As(err, &cie) && (cie.Reason == x509.CANotAuthorizedForThisName || cie.Reason == x509.NameConstraintsWithoutSANs):
		return []Finding{p.finding(IDCertNameNotPermitted, SeverityError,
			"the CA's name constraints do not permit the names in this certificate, so clients reject it: "+err.Error(),
			"", details)}
	}
	return []Finding{p.finding(IDCertChainInvalid, SeverityError, "the certificate chain does not verify: "+err.Error(), fix, details)}
}

// unknownAuthority tells apart the causes of "unknown authority": the
// user's rtdev CA not trusted here, another rtdev CA, a self-signed
// certificate, a missing intermediate, or a CA this machine does not trust.
func (p *prober) unknownAuthority(ctx context.Context, chain []*x509.Certificate, opts x509.VerifyOptions, details map[string]any) Finding {
	leaf, top := chain[0], chain[len(chain)-1]
	switch {
	case p.signedByRTDev(chain):
		details["ca_fingerprint"] = fingerprint(p.o.RTDevCA)
		return p.finding(IDCertUntrustedRTDevCA, SeverityError,
			"the certificate comes from your rtdev CA, which this machine does not trust (ERR_CERT_AUTHORITY_INVALID)", fixTrust, details)
	case slices.Contains(top.Issuer.Organization, ca.Organization) || slices.Contains(top.Subject.Organization, ca.Organization) && selfSigned(top):
		return p.finding(IDCertOtherRTDevCA, SeverityError,
			"the certificate comes from another rtdev CA ("+top.Issuer.CommonName+"), not yours: the server uses another machine's or an old .rtdev/ certificate",
			"rtdev init, then restart the server with .rtdev/cert.pem and .rtdev/key.pem", details)
	case len(chain) == 1 && selfSigned(leaf):
		return p.finding(IDCertSelfSigned, SeverityError,
			"the server presents a self-signed certificate, which browsers accept only after a click-through and WebSocket clients never do",
			"rtdev init && "+snippetFix(p.t.Port), details)
	}
	if f, ok := p.trustedByStores(ctx, chain, opts, details); ok {
		return f
	}
	if f, ok := p.missingIntermediate(ctx, chain, opts, details); ok {
		return f
	}
	msg := "the certificate is signed by " + top.Issuer.CommonName + ", a CA this machine does not trust (ERR_CERT_AUTHORITY_INVALID)"
	if !selfSigned(top) {
		msg += "; if that is an intermediate, the server must send it too (fullchain.pem)"
	}
	return p.finding(IDCertUnknownAuthority, SeverityError, msg, "rtdev init && "+snippetFix(p.t.Port), details)
}

// selfSigned reports whether c names itself as issuer and its own key
// verifies its signature.
func selfSigned(c *x509.Certificate) bool {
	// CheckSignature, not CheckSignatureFrom: a self-signed leaf is not a
	// CA, and CheckSignatureFrom insists on one.
	return bytes.Equal(c.RawIssuer, c.RawSubject) && c.CheckSignature(c.SignatureAlgorithm, c.RawTBSCertificate, c.Signature) == nil
}

// checkKey reports a leaf key that clients refuse or will soon refuse; fix
// is the chain's reissueFix.
func (p *prober) checkKey(leaf *x509.Certificate, fix string) []Finding {
	var weak string
	switch k := leaf.PublicKey.(type) {
	case *rsa.PublicKey:
		if bits := k.N.BitLen(); bits < minRSABits {
			weak = "an RSA key of " + strconv.Itoa(bits) + " bits (at least " + strconv.Itoa(minRSABits) + " are required)"
		}
	case *ecdsa.PublicKey:
		if bits := k.Curve.Params().BitSize; bits < minCurveBits {
			weak = "an ECDSA key on " + k.Curve.Params().Name
		}
	}
	if weak == "" {
		return nil
	}
	return []Finding{p.finding(IDCertWeakKey, SeverityError, "the certificate has "+weak+", which browsers and macOS reject",
		fix, map[string]any{"key": weak})}
}

package doctor

import (
	"context"
	"crypto/x509"
	"slices"
	"strings"
)

// fixFullChain is the fix for a server that leaves out its intermediate.
const fixFullChain = "configure the server with the full chain: the certificate, then its intermediates (a fullchain.pem)"

// missingIntermediate reports a server that sends its certificate without
// the intermediate that issued it. For a leaf sent alone that is so
// whenever its issuer is known not to be self-signed (fetched from its AIA
// caIssuers URL), or, when the fetch is refused or fails, when the leaf
// names such a URL: CAs publish intermediates there, and a leaf issued
// straight by a private root (mkcert's, a self-made team CA) has none.
// For a longer chain it is so when the issuer fetched for its last
// certificate completes the chain to a root this machine trusts.
func (p *prober) missingIntermediate(ctx context.Context, chain []*x509.Certificate, opts x509.VerifyOptions, details map[string]any) (Finding, bool) {
	leaf, top := chain[0], chain[len(chain)-1]
	if selfSigned(top) {
		return Finding{}, false
	}
	inter := p.fetchIssuer(ctx, top)
	switch {
	case len(chain) == 1 && inter != nil && !selfSigned(inter):
		return p.incompleteChain(inter.Subject.CommonName, inter.Subject.String(), details), true
	case len(chain) == 1 && inter == nil && len(leaf.IssuingCertificateURL) > 0:
		details["aia"] = leaf.IssuingCertificateURL
		return p.incompleteChain(leaf.Issuer.CommonName, leaf.Issuer.String(), details), true
	case inter != nil:
		opts.Intermediates.AddCert(inter)
		if _, err := leaf.Verify(opts); err == nil {
			return p.incompleteChain(inter.Subject.CommonName, inter.Subject.String(), details), true
		}
	}
	return Finding{}, false
}

// incompleteChain is the finding for a chain without the intermediate
// named name (subject is its full name, for Details).
func (p *prober) incompleteChain(name, subject string, details map[string]any) Finding {
	details["missing"] = subject
	return p.finding(IDCertIncompleteChain, SeverityError,
		"the server sends its certificate without the intermediate "+name+
			": configure it with the full chain; Firefox, Node, Go, Python and curl reject it while Chrome may fetch the intermediate and hide the problem",
		fixFullChain, details)
}

// trustedByStores judges a chain from a CA that is not rtdev's by the
// stores browsers read (ProbeOptions.StoreRoots): a team CA imported into
// Chromium's and Firefox's NSS databases, and not into the system store,
// is trusted by those browsers, and the OS tools reject it. That is
// information, not an error, as for a family rtdev was not asked to set up.
func (p *prober) trustedByStores(ctx context.Context, chain []*x509.Certificate, opts x509.VerifyOptions, details map[string]any) (Finding, bool) {
	if p.o.StoreRoots == nil {
		return Finding{}, false
	}
	roots := p.o.StoreRoots(ctx)
	if len(roots) == 0 {
		return Finding{}, false
	}
	opts.Roots = x509.NewCertPool()
	for _, r := range roots {
		opts.Roots.AddCert(r.Cert)
	}
	if err := verifyApartFromDates(chain[0], &opts, p.o.Now, chain); err != nil {
		return Finding{}, false
	}
	verified, err := chain[0].Verify(opts)
	if err != nil || len(verified) == 0 {
		return Finding{}, false
	}
	root := verified[0][len(verified[0])-1]
	var browsers, locations []string
	for _, r := range roots {
		if r.Cert.Equal(root) {
			if !slices.Contains(browsers, r.Browser) {
				browsers = append(browsers, r.Browser)
			}
			locations = append(locations, r.Store+" "+r.Location)
		}
	}
	details["root"] = root.Subject.String()
	details["root_fingerprint"] = fingerprint(root)
	details["trusted_in"] = locations
	verb := " trust ("
	if len(browsers) == 1 {
		verb = " trusts ("
	}
	return p.finding(IDCertStoreTrusted, SeverityInfo,
		"the certificate is signed by "+root.Subject.CommonName+", which "+strings.Join(browsers, " and ")+verb+
			strings.Join(locations, ", ")+"), but the system store does not, so curl, Go and Python's ssl reject it", "", details), true
}

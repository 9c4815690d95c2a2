package project

import (
	"crypto/ecdsa"
	"crypto/rsa"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"time"

	"github.com/rtdev/rtdev/ca"
	"github.com/rtdev/rtdev/internal/fsutil"
)

// EnsureOptions says what certificate set a project should have.
type EnsureOptions struct {
	Layout Layout
	Config Config
	// CADir is the user's CA folder (ca.DefaultDir).
	CADir string
	// System is read for the hostname and LAN addresses.
	System System
	// FlagHosts are --host values: issued, or an error when not issuable.
	FlagHosts []string
	// Owner is "user@host", shown in a new CA's subject.
	Owner string
	// Unconstrained creates a new CA without name constraints (an existing
	// CA keeps what it has).
	Unconstrained bool
	Now           time.Time
	// Borrowed uses the certificate set the host made in the mounted
	// project folder, as EnsureBorrowed does: inside a container no CA is
	// created, loaded with its key, or renewed.
	Borrowed bool
}

// LeftOut is a detected host that is not in the certificate, and why.
type LeftOut struct {
	Host Host
	Err  error
}

// Leaf actions reported by Ensure.
const (
	LeafIssued    = "issued"
	LeafRenewed   = "renewed"
	LeafUnchanged = "unchanged"
)

// EnsureResult is what Ensure found and did.
type EnsureResult struct {
	CA        *ca.CA
	CACreated bool
	// Widened lists the constraints of a CA created now beyond the built-in
	// names and ranges, each with the host that asked for it.
	Widened []ca.Widening
	Leaf    *ca.Leaf
	// LeafAction is LeafIssued, LeafRenewed or LeafUnchanged; Reason says
	// why a leaf was renewed (names changed, a third of its life left, ...).
	LeafAction string
	Reason     string
	Names      []ca.Name
	LeftOut    []LeftOut
	// Written lists the files created or replaced, in order.
	Written          []string
	GitignoreUpdated bool
	P12Password      string
}

// Changed reports whether Ensure wrote anything.
func (r *EnsureResult) Changed() bool {
	return r.CACreated || r.LeafAction != LeafUnchanged || len(r.Written) > 0 || r.GitignoreUpdated
}

// Ensure brings the project's certificate set up to date: it loads or
// creates the CA, works out the wanted names, and issues the leaf only when
// it is missing, was signed by another CA, lists other names, has a third
// or less of its life left, or has another key type. Run twice with nothing
// changed, it writes nothing. It holds the project lock throughout, so two
// rtdev runs at once cannot interleave their writes.
func Ensure(o EnsureOptions) (*EnsureResult, error) {
	if o.Borrowed {
		return EnsureBorrowed(o.Layout, o.Now)
	}
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	lay := o.Layout
	if err := CheckDirs(lay, o.CADir); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(lay.Dir, 0o700); err != nil {
		return nil, fmt.Errorf("create %s: %w", lay.Dir, err)
	}
	unlock, err := fsutil.Lock(lay.Dir)
	if err != nil {
		return nil, err
	}
	defer func() { _ = unlock() }()

	res := &EnsureResult{}
	wanted := WantedHosts(o.System, o.Config, o.FlagHosts)
	co, refused := createOptions(o, wanted)
	c, created, err := ca.LoadOrCreate(o.CADir, co)
	if err != nil {
		return nil, err
	}
	res.CA, res.CACreated = c, created
	if !created {
		refused = nil // an existing CA's constraints are what they are
	}
	if created && !o.Unconstrained {
		// The same plan Create followed, to say what widened the new CA
		// and what was refused.
		plan, err := ca.PlanConstraints(co)
		if err != nil {
			return nil, err
		}
		res.Widened = plan.Widened
		refused = append(refused, plan.Refused...)
	}

	res.Names, res.LeftOut, err = issuableNames(c, wanted, refused)
	if err != nil {
		return nil, err
	}
	keyType, err := ca.ParseKeyType(o.Config.KeyType)
	if err != nil {
		return nil, err
	}
	validity, err := ca.ParseValidity(o.Config.Validity)
	if err != nil {
		return nil, &ConfigError{Path: lay.ConfigFile, Err: err}
	}

	old, oldErr := ca.LoadLeaf(lay.Cert, lay.Key)
	switch {
	case oldErr != nil:
		res.LeafAction = LeafIssued
		if !errors.Is(oldErr, fs.ErrNotExist) {
			res.LeafAction, res.Reason = LeafRenewed, "the existing certificate could not be read ("+oldErr.Error()+")"
		}
	default:
		if reason, due := c.RenewalReason(old.Cert, res.Names, o.Now); due {
			res.LeafAction, res.Reason = LeafRenewed, reason
		} else if kt := LeafKeyType(old); kt != keyType {
			res.LeafAction, res.Reason = LeafRenewed, fmt.Sprintf("key type changed from %s to %s", kt, keyType)
		} else {
			res.LeafAction, res.Leaf = LeafUnchanged, old
		}
	}

	if res.Leaf == nil {
		leaf, err := c.Issue(ca.LeafOptions{Names: res.Names, KeyType: keyType, Validity: validity, Now: o.Now})
		if err != nil {
			return nil, fmt.Errorf("issue project certificate: %w", err)
		}
		res.Leaf = leaf
	}
	// .gitignore first: a crash between the two must not leave a key
	// that git would pick up with the next `git add .`.
	res.GitignoreUpdated, err = EnsureGitignore(lay.GitIgnore)
	if err != nil {
		return nil, err
	}
	if err := writeCertSet(lay, c, res); err != nil {
		return nil, err
	}
	return res, nil
}

// createOptions derives a new CA's constraints from this machine's name and
// the requested hosts, each held to the rules of where it came from
// (ca.PlanConstraints). Interface subnets add nothing: the private ranges
// are built in, and a public address needs --host typed by the user.
//
// A name from a committed file widens a new CA only when it is under the
// private-use names (PrivateUseDomains): a file someone else wrote must not
// make the developer's CA able to issue for google.com, even with a
// constraint no wider than that one name. Such names are returned as
// refused and never reach the CA.
func createOptions(o EnsureOptions, wanted []Host) (ca.CreateOptions, []ca.Refusal) {
	co := ca.CreateOptions{Owner: o.Owner, Unconstrained: o.Unconstrained, Now: o.Now}
	if hn, err := o.System.Hostname(); err == nil {
		co.Hostname = strings.TrimSuffix(strings.ToLower(hn), ".")
	}
	var refused []ca.Refusal
	for _, h := range wanted {
		if !h.Requested {
			continue
		}
		if reason := committedHostProblem(h); reason != "" && !o.Unconstrained {
			refused = append(refused, ca.Refusal{Host: h.Name, Origin: h.origin(), Reason: reason})
			continue
		}
		co.Hosts = append(co.Hosts, ca.HostRequest{Name: h.Name, Origin: h.origin()})
	}
	return co, refused
}

// committedHostProblem says why a host from a committed file may not widen
// a new CA, or "". Addresses are left to ca.PlanConstraints (a private
// range is built in, a public address is refused from any file).
func committedHostProblem(h Host) string {
	if h.Typed {
		return ""
	}
	n, err := ca.ParseName(h.Name)
	if err != nil || n.Kind != ca.KindDNS || UnderPrivateUse(n.Value) {
		return ""
	}
	return fmt.Sprintf("%s is not under %s, and a committed file may widen your CA only below those",
		n.Value, strings.Join(PrivateUseDomains, ", "))
}

// issuableNames parses and constraint-checks the wanted hosts. A --host
// that cannot be issued is an error; a host from rtdev.toml (committed by
// someone else) or a detected one is left out with the reason.
func issuableNames(c *ca.CA, wanted []Host, refused []ca.Refusal) ([]ca.Name, []LeftOut, error) {
	var names []ca.Name
	var left []LeftOut
	for _, h := range wanted {
		n, err := ca.ParseName(h.Name)
		if err == nil {
			err = c.Permits(n)
		}
		if err == nil {
			names = append(names, n)
			continue
		}
		if h.Requested && h.Source == SourceFlag {
			return nil, nil, fmt.Errorf("host %q from %s: %w", h.Name, h.Source, err)
		}
		for _, r := range refused {
			if r.Host == h.Name {
				err = &RefusedHostError{Refusal: r, Err: err}
			}
		}
		left = append(left, LeftOut{Host: h, Err: err})
	}
	return names, left, nil
}

// origin maps where a requested host came from to the rules ca holds it to.
func (h Host) origin() ca.HostOrigin {
	switch {
	case h.Source == SourceFlag:
		return ca.OriginFlag
	case h.Typed:
		return ca.OriginLocal
	}
	return ca.OriginConfig
}

// RefusedHostError is a host left out because the rules for a new CA did
// not let it widen the CA; Err is the constraint check that then failed.
type RefusedHostError struct {
	Refusal ca.Refusal
	Err     error
}

func (e *RefusedHostError) Error() string {
	return fmt.Sprintf("%s did not become part of your new CA: %s", e.Refusal.Origin, e.Refusal.Reason)
}

func (e *RefusedHostError) Unwrap() error { return e.Err }

// LeafKeyType is the key algorithm of a leaf.
func LeafKeyType(l *ca.Leaf) ca.KeyType {
	switch l.Cert.PublicKey.(type) {
	case *rsa.PublicKey:
		return ca.RSA
	case *ecdsa.PublicKey:
		return ca.ECDSA
	}
	return ""
}

// writeCertSet writes every file of the set whose content differs from
// what is on disk: the key 0600, the rest 0644 (the PKCS#12 and its
// password hold the key, so they are 0600 too).
func writeCertSet(lay Layout, c *ca.CA, res *EnsureResult) error {
	leaf := res.Leaf
	// Key first: a crash between the writes then leaves a new key with an
	// old cert, which LoadLeaf rejects as a mismatch and the next run fixes,
	// never a cert whose key is missing.
	files := []struct {
		path string
		data []byte
		mode fs.FileMode
	}{
		{lay.Key, leaf.KeyPEM, 0o600},
		{lay.Fullchain, append(append([]byte{}, leaf.CertPEM...), c.CertPEM...), 0o644},
		{lay.Cert, leaf.CertPEM, 0o644},
		{lay.CADER, c.Cert.Raw, 0o644},
		{lay.CA, c.CertPEM, 0o644},
	}
	for _, f := range files {
		wrote, err := WriteIfChanged(f.path, f.data, f.mode)
		if err != nil {
			return err
		}
		if wrote {
			res.Written = append(res.Written, f.path)
		}
	}
	if err := syncGroupKey(lay, res); err != nil {
		return err
	}
	return writeP12(lay, c, res)
}

// writeP12 keeps cert.p12 in step with the leaf, reusing the saved password
// so Java/.NET configs that name it keep working across renewals.
func writeP12(lay Layout, c *ca.CA, res *EnsureResult) error {
	res.P12Password = P12Password(lay)
	_, p12Err := os.Stat(lay.P12)
	if p12Err == nil && res.LeafAction == LeafUnchanged && res.P12Password != "" {
		return nil
	}
	if res.P12Password == "" {
		res.P12Password = ca.NewPassword()
		if err := fsutil.WriteFileAtomic(lay.P12Pass, []byte(res.P12Password+"\n"), 0o600); err != nil {
			return fmt.Errorf("write %s: %w", lay.P12Pass, err)
		}
		res.Written = append(res.Written, lay.P12Pass)
	}
	p12, err := res.Leaf.PKCS12(c.Cert, res.P12Password)
	if err != nil {
		return fmt.Errorf("encode %s: %w", lay.P12, err)
	}
	if err := fsutil.WriteFileAtomic(lay.P12, p12, 0o600); err != nil {
		return fmt.Errorf("write %s: %w", lay.P12, err)
	}
	res.Written = append(res.Written, lay.P12)
	return nil
}

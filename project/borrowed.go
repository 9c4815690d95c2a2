package project

import (
	"errors"
	"fmt"
	"io/fs"
	"time"

	"github.com/rtdev/rtdev/ca"
)

// HostOnlyError is a certificate set that only the host can make or renew:
// rtdev runs inside a container, where the CA key never is (a container
// gets the CA and the certificate it needs, never the CA key), and a CA
// made in here would be one the host's browser does not trust.
type HostOnlyError struct {
	// Reason says what is missing or due.
	Reason string
	Err    error
}

func (e *HostOnlyError) Error() string { return e.Reason }
func (e *HostOnlyError) Unwrap() error { return e.Err }

// EnsureBorrowed is Ensure inside a container: it uses the certificate set
// the host made in the mounted project folder, as it is, and writes
// nothing. The names the leaf lists are the host's (this container's own
// address is no LAN change), so only the leaf's age or a CA that did not
// sign it make it due; that, or a missing set, is a *HostOnlyError that
// says to run rtdev init on the host.
func EnsureBorrowed(lay Layout, now time.Time) (*EnsureResult, error) {
	if now.IsZero() {
		now = time.Now()
	}
	c, err := ca.LoadCert(lay.Dir)
	if err != nil {
		if errors.Is(err, ca.ErrNotFound) || errors.Is(err, fs.ErrNotExist) {
			return nil, &HostOnlyError{Reason: fmt.Sprintf("%s has no certificate set from the host", lay.Dir), Err: err}
		}
		return nil, err
	}
	leaf, err := ca.LoadLeaf(lay.Cert, lay.Key)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, &HostOnlyError{Reason: fmt.Sprintf("%s has no certificate set from the host", lay.Dir), Err: err}
		}
		return nil, err
	}
	names := ca.LeafNames(leaf.Cert)
	if err := leaf.Cert.CheckSignatureFrom(c.Cert); err != nil {
		return nil, &HostOnlyError{Reason: fmt.Sprintf("%s was not signed by the CA in %s", lay.Cert, lay.CA), Err: err}
	}
	if now.After(leaf.Cert.NotAfter) {
		return nil, &HostOnlyError{Reason: fmt.Sprintf("%s expired on %s", lay.Cert, leaf.Cert.NotAfter.Format(time.DateOnly))}
	}
	res := &EnsureResult{CA: c, Leaf: leaf, LeafAction: LeafUnchanged, Names: names}
	// Due but still valid: it serves, and the caller says to renew it on
	// the host.
	if reason, due := c.RenewalReason(leaf.Cert, names, now); due {
		res.Reason = reason
	}
	return res, nil
}

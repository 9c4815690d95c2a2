package ca

import (
	"crypto/x509"
	"fmt"
	"slices"
	"strings"
	"time"
)

// RenewalReason says whether leaf should be replaced, and why, for
// `rtdev init` and `rtdev serve`. A leaf is due when it was not signed by
// this CA (the CA folder changed), when its names differ from want (order
// does not matter; a new LAN address is the common case), when it has
// expired or is not yet valid, or when less than a third of its lifetime is
// left (the schedule ACME clients such as certbot use).
func (c *CA) RenewalReason(leaf *x509.Certificate, want []Name, now time.Time) (reason string, due bool) {
	if err := leaf.CheckSignatureFrom(c.Cert); err != nil {
		return "it was not signed by the current CA", true
	}
	if diff := nameDiff(certNames(leaf.DNSNames, leaf.IPAddresses, leaf.EmailAddresses, leaf.URIs), want); diff != "" {
		return "its names changed: " + diff, true
	}
	if now.After(leaf.NotAfter) {
		return "it expired on " + leaf.NotAfter.Format(time.DateOnly), true
	}
	if now.Before(leaf.NotBefore) {
		return "it is not valid until " + leaf.NotBefore.Format(time.DateOnly), true
	}
	total := leaf.NotAfter.Sub(leaf.NotBefore)
	if left := leaf.NotAfter.Sub(now); left < total/3 {
		return fmt.Sprintf("it expires on %s, less than a third of its lifetime away", leaf.NotAfter.Format(time.DateOnly)), true
	}
	return "", false
}

// nameDiff describes the names to add and to remove, or "" when the two
// lists hold the same names.
func nameDiff(have, want []Name) string {
	haveSet, wantSet := map[nameKey]bool{}, map[nameKey]bool{}
	for _, n := range have {
		haveSet[n.key()] = true
	}
	for _, n := range want {
		wantSet[n.key()] = true
	}
	var added, removed []string
	for k := range wantSet {
		if !haveSet[k] {
			added = append(added, k.value)
		}
	}
	for k := range haveSet {
		if !wantSet[k] {
			removed = append(removed, k.value)
		}
	}
	slices.Sort(added)
	slices.Sort(removed)
	var parts []string
	if len(added) > 0 {
		parts = append(parts, "add "+strings.Join(added, ", "))
	}
	if len(removed) > 0 {
		parts = append(parts, "remove "+strings.Join(removed, ", "))
	}
	return strings.Join(parts, "; ")
}

package trust

import (
	"bytes"
	"context"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/rtdev/rtdev/ca"
	"github.com/rtdev/rtdev/internal/fsutil"
)

// distro is one Linux family's way of adding a trust anchor. The table
// follows mkcert's truststore_linux.go probe order; the bundles are where
// each family's refresh command writes the PEM bundle that OpenSSL, curl and
// Go read, so Status can look for the CA where clients really find it.
type distro struct {
	family    string
	anchorDir string
	ext       string // Debian's update-ca-certificates only reads *.crt
	refresh   []string
	bundles   []string
}

var distros = []distro{
	{"fedora", "/etc/pki/ca-trust/source/anchors", ".pem", []string{"update-ca-trust", "extract"},
		[]string{"/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem"}},
	{"debian", "/usr/local/share/ca-certificates", ".crt", []string{"update-ca-certificates"},
		[]string{"/etc/ssl/certs/ca-certificates.crt"}},
	{"arch", "/etc/ca-certificates/trust-source/anchors", ".crt", []string{"trust", "extract-compat"},
		[]string{"/etc/ca-certificates/extracted/tls-ca-bundle.pem", "/etc/ssl/certs/ca-certificates.crt"}},
	// openSUSE: /etc/pki/trust/anchors is the admin folder, the /usr/share
	// one is what mkcert probes (packages' anchors); either is refreshed by
	// the same command.
	{"opensuse", "/etc/pki/trust/anchors", ".pem", []string{"update-ca-certificates"},
		[]string{"/var/lib/ca-certificates/ca-bundle.pem"}},
	{"opensuse", "/usr/share/pki/trust/anchors", ".pem", []string{"update-ca-certificates"},
		[]string{"/var/lib/ca-certificates/ca-bundle.pem"}},
}

// distroStore is the Linux system store: an anchor file plus the family's
// refresh command.
type distroStore struct {
	env Env
	ca  *ca.CA
}

func (s *distroStore) Name() string { return StoreSystem }

func (s *distroStore) detect() (distro, bool) {
	for _, d := range distros {
		if isDir(s.env.sys(d.anchorDir)) {
			return d, true
		}
	}
	return distro{}, false
}

// anchor is the file rtdev adds to d's anchor folder. Its name carries the
// fingerprint (through UniqueName) so two rtdev CAs, for example from two
// RTDEV_CAROOTs, never overwrite each other and uninstall removes only its
// own.
func (s *distroStore) anchor(d distro) string {
	return filepath.Join(s.env.sys(d.anchorDir), strings.ReplaceAll(s.ca.UniqueName(), " ", "_")+d.ext)
}

func (s *distroStore) unsupported() []Result {
	dirs := make([]string, 0, len(distros))
	for _, d := range distros {
		dirs = append(dirs, d.anchorDir)
	}
	return []Result{{Store: StoreSystem, State: Unsupported,
		Reason: "no known anchor folder (" + strings.Join(dirs, ", ") + "); add " + certFile(s.ca) + " to this Linux's trust store by hand"}}
}

// inBundle reports which bundle holds the CA, comparing DER bytes so a
// different certificate with the same subject never counts.
func (s *distroStore) inBundle(d distro) (string, error) {
	var errs []error
	for _, b := range d.bundles {
		data, err := os.ReadFile(s.env.sys(b))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("read trust bundle: %w", err))
			continue
		}
		for len(data) > 0 {
			var blk *pem.Block
			blk, data = pem.Decode(data)
			if blk == nil {
				break
			}
			if blk.Type == "CERTIFICATE" && bytes.Equal(blk.Bytes, s.ca.Cert.Raw) {
				return s.env.sys(b), nil
			}
		}
	}
	return "", errors.Join(errs...)
}

func (s *distroStore) Status(context.Context) []Result {
	d, ok := s.detect()
	if !ok {
		return s.unsupported()
	}
	return []Result{s.status(d)}
}

func (s *distroStore) status(d distro) Result {
	anchor := s.anchor(d)
	r := Result{Store: StoreSystem, Location: anchor}
	bundle, err := s.inBundle(d)
	switch {
	case bundle != "":
		r.State = Installed
		if !exists(anchor) {
			r.Location = bundle
			r.Reason = "in " + bundle + " through another anchor file"
		}
	case err != nil:
		return failure(r, err, "")
	case exists(anchor):
		r.State = Missing
		r.Reason = "the anchor file exists but the trust bundle was not refreshed"
		r.Command = (&manual{env: s.env}).add(true, d.refresh[0], d.refresh[1:]...).String()
	default:
		r.State = Missing
		r.Command = s.installManual(d, anchor)
	}
	return r
}

func (s *distroStore) installManual(d distro, anchor string) string {
	return (&manual{env: s.env}).add(true, "cp", certFile(s.ca), anchor).add(true, d.refresh[0], d.refresh[1:]...).String()
}

func (s *distroStore) uninstallManual(d distro, anchor string) string {
	return (&manual{env: s.env}).add(true, "rm", "-f", anchor).add(true, d.refresh[0], d.refresh[1:]...).String()
}

func (s *distroStore) Install(ctx context.Context) []Result {
	d, ok := s.detect()
	if !ok {
		return s.unsupported()
	}
	if st, done := preInstall(s.status(d)); done {
		return []Result{st}
	}
	anchor := s.anchor(d)
	r := Result{Store: StoreSystem, Location: anchor}
	manual := s.installManual(d, anchor)
	if err := s.writeAnchor(ctx, anchor); err != nil {
		return []Result{failure(r, err, manual)}
	}
	if _, err := s.env.run(ctx, true, nil, d.refresh[0], d.refresh[1:]...); err != nil {
		return []Result{failure(r, err, manual)}
	}
	bundle, err := s.inBundle(d)
	if bundle == "" {
		if err == nil {
			err = fmt.Errorf("%s ran but no trust bundle (%s) lists the CA", d.refresh[0], strings.Join(d.bundles, ", "))
		}
		return []Result{failure(r, err, manual)}
	}
	r.State = Installed
	return []Result{r}
}

// writeAnchor writes the CA PEM to the anchor folder: directly and
// atomically when rtdev is root, through `sudo tee` otherwise (as mkcert
// does), since the folder belongs to root.
func (s *distroStore) writeAnchor(ctx context.Context, anchor string) error {
	if s.env.UID == 0 {
		if err := fsutil.WriteFileAtomic(anchor, s.ca.CertPEM, 0o644); err != nil {
			return fmt.Errorf("write trust anchor: %w", err)
		}
		return nil
	}
	_, err := s.env.run(ctx, true, s.ca.CertPEM, "tee", anchor)
	return err
}

func (s *distroStore) Uninstall(ctx context.Context) []Result {
	d, ok := s.detect()
	if !ok {
		return s.unsupported()
	}
	anchor := s.anchor(d)
	r := Result{Store: StoreSystem, Location: anchor}
	if !exists(anchor) {
		r.State = Missing
		if bundle, _ := s.inBundle(d); bundle != "" {
			r.Reason = "the CA is in " + bundle + " through an anchor rtdev did not add; left alone"
		}
		return []Result{r}
	}
	manual := s.uninstallManual(d, anchor)
	var err error
	if s.env.UID == 0 {
		err = os.Remove(anchor)
		if err != nil {
			err = fmt.Errorf("remove trust anchor: %w", err)
		}
	} else {
		_, err = s.env.run(ctx, true, nil, "rm", "-f", anchor)
	}
	if err != nil {
		return []Result{failure(r, err, manual)}
	}
	if _, err := s.env.run(ctx, true, nil, d.refresh[0], d.refresh[1:]...); err != nil {
		return []Result{failure(r, err, manual)}
	}
	if bundle, _ := s.inBundle(d); bundle != "" {
		return []Result{failure(r, fmt.Errorf("%s still lists the CA after %s", bundle, d.refresh[0]), manual)}
	}
	r.State = Removed
	return []Result{r}
}

package trust

import (
	"context"
	"crypto/sha1"
	"errors"
	"fmt"

	"github.com/rtdev/rtdev/ca"
)

// rootStore is the Windows current-user Root store, reduced to what rtdev
// needs. The crypt32 implementation is in system_windows.go; tests use a
// map.
type rootStore interface {
	// Has reports whether a certificate with this SHA-1 thumbprint is in
	// the store.
	Has(thumbprint [sha1.Size]byte) (bool, error)
	// Add adds a DER certificate. Windows asks the user to confirm in its
	// own dialog.
	Add(der []byte) error
	// Delete removes the certificate with this thumbprint and reports
	// whether there was one.
	Delete(thumbprint [sha1.Size]byte) (bool, error)
}

// windowsLocation names the store the way certmgr.msc shows it.
const windowsLocation = `CurrentUser\Root`

// windowsStore is the Windows system store. The current-user Root store
// needs no administrator, like mkcert's truststore_windows.go.
type windowsStore struct {
	env Env
	ca  *ca.CA
}

func (s *windowsStore) Name() string { return StoreSystem }

func (s *windowsStore) thumbprint() [sha1.Size]byte { return sha1.Sum(s.ca.Cert.Raw) }

// addManual and deleteManual are the built-in certutil.exe (not NSS's)
// doing the same by hand.
func (s *windowsStore) addManual() string {
	return s.env.display("certutil", "-user", "-addstore", "Root", certFile(s.ca))
}

func (s *windowsStore) deleteManual() string {
	return s.env.display("certutil", "-user", "-delstore", "Root", sha1Hex(s.ca))
}

func (s *windowsStore) Status(context.Context) []Result {
	r := Result{Store: StoreSystem, Location: windowsLocation}
	has, err := s.env.winRoot.Has(s.thumbprint())
	if err != nil {
		return []Result{failure(r, fmt.Errorf("read the Windows Root store: %w", err), "")}
	}
	switch {
	case has:
		r.State = Installed
	case s.env.verify(s.ca.Cert) == nil:
		// Trusted through another store (LocalMachine, group policy);
		// Windows' own verifier is the judge.
		r.State = Installed
		r.Location = "Windows"
		r.Reason = "trusted through another Windows store"
	default:
		r.State = Missing
		r.Command = s.addManual()
	}
	return []Result{r}
}

func (s *windowsStore) Install(ctx context.Context) []Result {
	if st, done := preInstall(s.Status(ctx)[0]); done {
		return []Result{st}
	}
	r := Result{Store: StoreSystem, Location: windowsLocation}
	// Adding to the current user's Root store shows Windows' security
	// warning dialog.
	s.env.beforePrompt()
	if err := s.env.winRoot.Add(s.ca.Cert.Raw); err != nil {
		return []Result{failure(r, fmt.Errorf("add the CA to the Windows Root store: %w", err), s.addManual())}
	}
	// A declined confirmation dialog can come back without an error; look.
	if has, err := s.env.winRoot.Has(s.thumbprint()); err != nil || !has {
		if err == nil {
			err = errors.New("the CA is not in the Windows Root store after adding it (was the confirmation declined?)")
		}
		return []Result{failure(r, err, s.addManual())}
	}
	r.State = Installed
	// Firefox imports the OS's roots only at start (mkcert#653).
	r.RestartBrowser = true
	return []Result{r}
}

func (s *windowsStore) Uninstall(context.Context) []Result {
	r := Result{Store: StoreSystem, Location: windowsLocation}
	found, err := s.env.winRoot.Delete(s.thumbprint())
	if err != nil {
		return []Result{failure(r, fmt.Errorf("remove the CA from the Windows Root store: %w", err), s.deleteManual())}
	}
	if !found {
		r.State = Missing
		return []Result{r}
	}
	r.State = Removed
	r.RestartBrowser = true
	return []Result{r}
}

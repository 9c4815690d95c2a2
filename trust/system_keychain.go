package trust

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/rtdev/rtdev/ca"
)

// systemKeychain is where mkcert and devcert put their roots: trust set
// there with -d (admin domain) applies to every user on the Mac.
const systemKeychain = "/Library/Keychains/System.keychain"

// keychainStore is the macOS system store, driven through security(1).
type keychainStore struct {
	env Env
	ca  *ca.CA
}

func (s *keychainStore) Name() string { return StoreSystem }

func (s *keychainStore) result() Result {
	return Result{Store: StoreSystem, Location: systemKeychain}
}

// addArgs adds the CA to the System keychain with explicit trust settings
// for the SSL and basic X.509 policies, the two mkcert writes through its
// trust-settings round trip (golang/go#24652), in one command.
func (s *keychainStore) addArgs() []string {
	return []string{"add-trusted-cert", "-d", "-r", "trustRoot", "-p", "ssl", "-p", "basic", "-k", systemKeychain, certFile(s.ca)}
}

func (s *keychainStore) removeManual() string {
	return (&manual{env: s.env}).
		add(true, "security", "remove-trusted-cert", "-d", certFile(s.ca)).
		add(true, "security", "delete-certificate", "-Z", sha1Hex(s.ca), systemKeychain).String()
}

// Status asks the platform verifier, which is what Safari, Chrome and
// Go programs consult on macOS.
func (s *keychainStore) Status(context.Context) []Result {
	r := s.result()
	if err := s.env.verify(s.ca.Cert); err != nil {
		r.State = Missing
		r.Reason = "not trusted by macOS: " + err.Error()
		r.Command = (&manual{env: s.env}).add(true, "security", s.addArgs()...).String()
		return []Result{r}
	}
	r.State = Installed
	return []Result{r}
}

func (s *keychainStore) Install(ctx context.Context) []Result {
	if st, done := preInstall(s.Status(ctx)[0]); done {
		return []Result{st}
	}
	r := s.result()
	manual := (&manual{env: s.env}).add(true, "security", s.addArgs()...).String()
	if _, err := s.env.run(ctx, true, nil, "security", s.addArgs()...); err != nil {
		r = failure(r, err, manual)
		// Since Big Sur an admin-domain trust change needs a person to
		// authenticate in a dialog, even as root; without a GUI session
		// security fails with errSecInternalComponent (mkcert#415,
		// actions/runner-images#4519).
		if strings.Contains(r.Output, "errSecInternalComponent") || strings.Contains(r.Output, "authorization") {
			r.Reason = "macOS asks an administrator to confirm in a dialog; run this in a desktop session"
		}
		return []Result{r}
	}
	if err := s.env.verify(s.ca.Cert); err != nil {
		return []Result{failure(r, fmt.Errorf("added to the System keychain but macOS does not trust it: %w", err), manual)}
	}
	r.State = Installed
	// Firefox imports the OS's roots only at start (mkcert#653).
	r.RestartBrowser = true
	return []Result{r}
}

// inKeychain looks for the CA by SHA-1 in the System keychain; reading it
// needs no privileges.
func (s *keychainStore) inKeychain(ctx context.Context) (bool, error) {
	out, err := s.env.exec(ctx, nil, "security", "find-certificate", "-a", "-Z", systemKeychain)
	if err != nil {
		return false, err
	}
	return strings.Contains(string(out), "SHA-1 hash: "+sha1Hex(s.ca)), nil
}

// Uninstall removes the trust settings and then the certificate rtdev added;
// remove-trusted-cert alone leaves the certificate in the keychain.
func (s *keychainStore) Uninstall(ctx context.Context) []Result {
	r := s.result()
	manual := s.removeManual()
	found, err := s.inKeychain(ctx)
	if err != nil {
		return []Result{failure(r, err, manual)}
	}
	if !found {
		r.State = Missing
		return []Result{r}
	}
	if _, err := s.env.run(ctx, true, nil, "security", "remove-trusted-cert", "-d", certFile(s.ca)); err != nil {
		var ce *CommandError
		// No admin trust settings left (removed by hand): still delete
		// the certificate itself.
		if !errors.As(err, &ce) || !strings.Contains(ce.Output, "could not be found") {
			return []Result{failure(r, err, manual)}
		}
	}
	if _, err := s.env.run(ctx, true, nil, "security", "delete-certificate", "-Z", sha1Hex(s.ca), systemKeychain); err != nil {
		return []Result{failure(r, err, manual)}
	}
	r.State = Removed
	r.RestartBrowser = true
	return []Result{r}
}

package trust

import (
	"crypto/sha1"
	"errors"
	"fmt"
	"unsafe"

	"golang.org/x/sys/windows"
)

const certEncoding = windows.X509_ASN_ENCODING | windows.PKCS_7_ASN_ENCODING

// crypt32Root is the current-user Root store through crypt32, without cgo.
// CertOpenSystemStore opens the current user's store, as mkcert does.
type crypt32Root struct{}

func platformRootStore() rootStore { return crypt32Root{} }

func openRoot() (windows.Handle, error) {
	name, err := windows.UTF16PtrFromString("ROOT")
	if err != nil {
		return 0, err
	}
	h, err := windows.CertOpenSystemStore(0, name)
	if err != nil {
		return 0, fmt.Errorf("open the Root store: %w", err)
	}
	return h, nil
}

// find returns the first certificate with this thumbprint, or nil.
func find(store windows.Handle, thumbprint *[sha1.Size]byte) (*windows.CertContext, error) {
	blob := windows.CryptHashBlob{Size: sha1.Size, Data: &thumbprint[0]}
	ctx, err := windows.CertFindCertificateInStore(store, certEncoding, 0, windows.CERT_FIND_SHA1_HASH, unsafe.Pointer(&blob), nil)
	if err != nil {
		var errno windows.Errno
		if errors.As(err, &errno) && windows.Handle(errno) == windows.CRYPT_E_NOT_FOUND {
			return nil, nil
		}
		return nil, fmt.Errorf("find certificate: %w", err)
	}
	return ctx, nil
}

func (crypt32Root) Has(thumbprint [sha1.Size]byte) (bool, error) {
	store, err := openRoot()
	if err != nil {
		return false, err
	}
	defer windows.CertCloseStore(store, 0)
	ctx, err := find(store, &thumbprint)
	if ctx != nil {
		windows.CertFreeCertificateContext(ctx)
	}
	return ctx != nil, err
}

func (crypt32Root) Add(der []byte) error {
	if len(der) == 0 {
		return errors.New("empty certificate")
	}
	store, err := openRoot()
	if err != nil {
		return err
	}
	defer windows.CertCloseStore(store, 0)
	ctx, err := windows.CertCreateCertificateContext(certEncoding, &der[0], uint32(len(der)))
	if err != nil {
		return fmt.Errorf("parse certificate: %w", err)
	}
	defer windows.CertFreeCertificateContext(ctx)
	if err := windows.CertAddCertificateContextToStore(store, ctx, windows.CERT_STORE_ADD_REPLACE_EXISTING, nil); err != nil {
		return fmt.Errorf("add certificate: %w", err)
	}
	return nil
}

func (crypt32Root) Delete(thumbprint [sha1.Size]byte) (bool, error) {
	store, err := openRoot()
	if err != nil {
		return false, err
	}
	defer windows.CertCloseStore(store, 0)
	ctx, err := find(store, &thumbprint)
	if ctx == nil {
		return false, err
	}
	// CertDeleteCertificateFromStore frees the context, even on failure.
	if err := windows.CertDeleteCertificateFromStore(ctx); err != nil {
		return false, fmt.Errorf("delete certificate: %w", err)
	}
	return true, nil
}

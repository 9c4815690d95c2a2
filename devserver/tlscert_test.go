package devserver

import (
	"crypto/tls"
	"testing"

	"github.com/rtdev/rtdev/internal/testpki"
)

// testPKI is testpki.PKI under the names devserver's tests call it by.
type testPKI struct{ testpki.PKI }

func newTestPKI(tb testing.TB, name string, more ...string) testPKI {
	tb.Helper()
	return testPKI{testpki.New(tb, name, more...)}
}

func (p testPKI) serverConfig() *tls.Config { return p.ServerConfig() }
func (p testPKI) clientConfig() *tls.Config { return p.ClientConfig() }

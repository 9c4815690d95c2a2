package testtool

import "encoding/pem"

// FakeKeyPEM is key-shaped PEM text (a PRIVATE KEY block) made at
// run time, for tests of what must never ship or be committed: written
// into a source file, it would itself be a key-looking file in git.
func FakeKeyPEM() string {
	return string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: []byte{0x30, 0x00}}))
}

package ca_test

import (
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/rtdev/rtdev/ca"
	"github.com/rtdev/rtdev/internal/fsutil"
)

// Create a CA, issue a certificate for the names a developer types, and
// write the key the way rtdev does: atomically, readable by the owner only.
func Example() {
	tmp, err := os.MkdirTemp("", "rtdev-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(tmp)

	authority, created, err := ca.LoadOrCreate(filepath.Join(tmp, "ca"), ca.CreateOptions{Hostname: "devbox", Owner: "dev@devbox"})
	if err != nil {
		log.Fatal(err)
	}
	names, err := ca.ParseNames([]string{"localhost", "*.app.localhost", "127.0.0.1", "::1", "Bücher.test"})
	if err != nil {
		log.Fatal(err)
	}
	leaf, err := authority.Issue(ca.LeafOptions{Names: names})
	if err != nil {
		log.Fatal(err)
	}
	if err := fsutil.WriteFileAtomic(filepath.Join(tmp, "key.pem"), leaf.KeyPEM, 0o600); err != nil {
		log.Fatal(err)
	}
	fmt.Println("created:", created)
	fmt.Println("CA:", authority.Cert.Subject.CommonName)
	for _, n := range leaf.Names() {
		fmt.Println(n.Kind, n.Value)
	}

	// A name outside the CA's constraints is refused, naming the name.
	public, _ := ca.ParseName("www.example.com")
	fmt.Println(authority.Permits(public) != nil)
	// Output:
	// created: true
	// CA: rtdev CA dev@devbox
	// dns localhost
	// dns *.app.localhost
	// dns xn--bcher-kva.test
	// ip 127.0.0.1
	// ip ::1
	// true
}

func ExampleParseName() {
	for _, s := range []string{"LocalHost.", "fe80::1%eth0", "256.1.1.1", "*.*.x", "localhost:3000"} {
		n, err := ca.ParseName(s)
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Println(n.Kind, n.Value)
	}
	// Output:
	// dns localhost
	// invalid name "fe80::1%eth0": an IPv6 zone (%eth0) cannot be in a certificate; use "fe80::1"
	// invalid name "256.1.1.1": not a valid IP address, and a DNS name cannot end in a numeric label
	// invalid name "*.*.x": a wildcard must be the whole leftmost label (*.example.test), and only one
	// invalid name "localhost:3000": a port is not part of a certificate name; use "localhost"
}

func ExampleParseValidity() {
	d, err := ca.ParseValidity("14d")
	fmt.Println(d, err)
	_, err = ca.ParseValidity("3y")
	fmt.Println(err)
	// Output:
	// 336h0m0s <nil>
	// invalid validity "3y": longer than the 825 days Apple platforms accept
}

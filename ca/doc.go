// Package ca is rtdev's certificate authority: it creates or loads the user's
// name-constrained development CA, parses and checks the names a developer
// types, issues leaf certificates (server and client, ECDSA or RSA), signs
// CSRs, encodes PKCS#12 bundles, decides when a leaf is due for renewal, and
// writes every file atomically under a folder lock.
//
// The certificate profile: the CA is ECDSA P-256 with a critical
// basicConstraints (pathlen 0), a Subject Key Identifier and critical name
// constraints, so a leaked CA key cannot impersonate public sites; leaves
// carry every name in the SAN, an Authority Key Identifier (Python 3.13+
// verifies strictly, python/cpython#107361) and a PKCS#8 key.
//
// The package never prints and never exits. Errors are wrapped, lowercase,
// and those that know their fix implement Hint() string.
package ca

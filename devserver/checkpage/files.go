package checkpage

import (
	"bytes"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"strings"
	"text/template"
)

// caFiles are the public forms of the CA certificate, made once.
type caFiles struct {
	pem         []byte // the certificate(s) as given; only served when onlyCertificates
	der         []byte // the first certificate
	cert        *x509.Certificate
	fingerprint string // grouped for reading
	profile     []byte // the .mobileconfig
}

// newCAFiles derives the DER and the profile from the PEM. It returns nil
// when certPEM is not made only of certificates, so a key handed in by
// mistake can never leak through a download.
func newCAFiles(certPEM []byte, machine string) *caFiles {
	if !onlyCertificates(certPEM) {
		return nil
	}
	b, _ := pem.Decode(certPEM)
	cert, err := x509.ParseCertificate(b.Bytes)
	if err != nil {
		return nil
	}
	f := &caFiles{pem: certPEM, der: b.Bytes, cert: cert, fingerprint: groupFingerprint(b.Bytes)}
	f.profile = mobileconfig(cert, machine)
	return f
}

// Fingerprint is the SHA-256 of the first certificate in certPEM, in
// upper-case hex groups of four, the form people compare by eye; "" when
// certPEM holds no certificate. rtdev serve prints the same string next to
// its QR code, so a phone user can check the page that came over plain
// HTTP.
func Fingerprint(certPEM []byte) string {
	b, _ := pem.Decode(certPEM)
	if b == nil || b.Type != "CERTIFICATE" {
		return ""
	}
	return groupFingerprint(b.Bytes)
}

func groupFingerprint(der []byte) string {
	sum := sha256.Sum256(der)
	h := strings.ToUpper(hex.EncodeToString(sum[:]))
	var groups []string
	for i := 0; i < len(h); i += 4 {
		groups = append(groups, h[i:i+4])
	}
	return strings.Join(groups, " ")
}

// uuidFrom formats 16 bytes as an RFC 9562 version 8 (custom) UUID.
func uuidFrom(b []byte) string {
	var u [16]byte
	copy(u[:], b)
	u[6] = u[6]&0x0f | 0x80
	u[8] = u[8]&0x3f | 0x80
	h := hex.EncodeToString(u[:])
	return strings.ToUpper(h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:])
}

// profileTmpl is an unsigned configuration profile with one root
// certificate payload (apple/device-management mdm/profiles TopLevel.yaml
// and com.apple.security.root.yaml). Unsigned: a signature by this CA
// would only show "Not Verified" until the CA is trusted, so there is
// nothing to gain.
var profileTmpl = template.Must(template.New("mobileconfig").Funcs(template.FuncMap{"x": xmlText}).Parse(`<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
	<key>PayloadContent</key>
	<array>
		<dict>
			<key>PayloadCertificateFileName</key>
			<string>rtdev-ca.crt</string>
			<key>PayloadContent</key>
			<data>{{.DER}}</data>
			<key>PayloadDisplayName</key>
			<string>{{x .CN}}</string>
			<key>PayloadIdentifier</key>
			<string>{{.ID}}.root</string>
			<key>PayloadType</key>
			<string>com.apple.security.root</string>
			<key>PayloadUUID</key>
			<string>{{.PayloadUUID}}</string>
			<key>PayloadVersion</key>
			<integer>1</integer>
		</dict>
	</array>
	<key>PayloadDescription</key>
	<string>Adds {{x .CN}}, the local certificate authority of rtdev on {{x .Machine}}, so this device trusts its development servers. After installing, turn on full trust for it in Settings, General, About, Certificate Trust Settings.</string>
	<key>PayloadDisplayName</key>
	<string>{{x .Name}}</string>
	<key>PayloadIdentifier</key>
	<string>{{.ID}}</string>
	<key>PayloadOrganization</key>
	<string>rtdev</string>
	<key>PayloadType</key>
	<string>Configuration</string>
	<key>PayloadUUID</key>
	<string>{{.UUID}}</string>
	<key>PayloadVersion</key>
	<integer>1</integer>
	<key>TargetDeviceType</key>
	<integer>1</integer>
</dict>
</plist>
`))

// mobileconfig builds the profile. The identifier and both UUIDs come from
// the certificate's SHA-256, so downloading it again replaces the installed
// profile instead of adding a second one, and a new CA gets a new profile
// (Start9Labs/start-technologies PR #3240 does the same).
func mobileconfig(cert *x509.Certificate, machine string) []byte {
	sum := sha256.Sum256(cert.Raw)
	cn := cert.Subject.CommonName
	if cn == "" {
		cn = "rtdev CA"
	}
	if machine == "" {
		machine = "this computer"
	}
	var b bytes.Buffer
	_ = profileTmpl.Execute(&b, map[string]string{
		"DER":         base64.StdEncoding.EncodeToString(cert.Raw),
		"CN":          cn,
		"Machine":     machine,
		"Name":        fmt.Sprintf("rtdev local CA (%s)", machine),
		"ID":          "dev.rtdev.ca." + hex.EncodeToString(sum[:8]),
		"UUID":        uuidFrom(sum[:16]),
		"PayloadUUID": uuidFrom(sum[16:]),
	})
	return b.Bytes()
}

// xmlText escapes s for XML character data.
func xmlText(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

package templates

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/rtdev/rtdev/internal/testtool"
)

// checkXML parses the snippet with Python's XML parser (expat) and returns
// every attribute value.
func checkXML(t *testing.T, path string) []string {
	t.Helper()
	out, err := exec.Command(testtool.Python(t), "-c", `
import sys, xml.etree.ElementTree as ET
for e in ET.parse(sys.argv[1]).iter():
    for v in e.attrib.values():
        print(v)
`, path).CombinedOutput()
	if err != nil {
		t.Fatalf("not well-formed XML: %v\n%s\n%s", err, out, readText(t, path))
	}
	return strings.Split(strings.TrimSpace(string(out)), "\n")
}

// The android snippet is a network security config whose debug-overrides
// trust user CAs, and it names the manifest attribute.
func TestAndroidSnippet(t *testing.T) {
	out, err := Render("android", goldenData())
	if err != nil {
		t.Fatal(err)
	}
	path := write(t, t.TempDir(), "network_security_config.xml", out)
	res, err := exec.Command(testtool.Python(t), "-c", `
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
assert root.tag == "network-security-config", root.tag
certs = root.findall("./debug-overrides/trust-anchors/certificates")
assert [c.get("src") for c in certs] == ["user"], certs
assert root.find("base-config") is None, "user CAs must stay in debug-overrides"
`, path).CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, res)
	}
	for _, want := range []string{`android:networkSecurityConfig="@xml/network_security_config"`, "React Native", "Capacitor", "http://192.168.1.20:9000/rtdev/phone"} {
		if !strings.Contains(out, want) {
			t.Errorf("android snippet lacks %q", want)
		}
	}
}

func TestXMLCommentHasNoDoubleDash(t *testing.T) {
	if got := xmlComment("a -- b --- c"); strings.Contains(got[4:len(got)-3], "--") {
		t.Errorf("%q", got)
	}
}

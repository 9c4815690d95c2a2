//go:build linux

package imagetrust

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/rtdev/rtdev/internal/testpki"
	"github.com/rtdev/rtdev/internal/testtool"
)

// family is a fake image of one distribution family: busybox as its shell
// and tools, its anchor folder, and its store tool stubbed to record each
// call in /calls.log and rebuild a bundle from the anchors, as the real
// one does.
type family struct {
	name   string
	dirs   []string
	tool   string // the store tool's path in the image, "" for none
	anchor string // where the CA must land
	bundle string
}

var families = []family{
	{"debian", []string{"usr/local/share/ca-certificates", "etc/ssl/certs"}, "/usr/sbin/update-ca-certificates", "/usr/local/share/ca-certificates/rtdev-ca.crt", "/etc/ssl/certs/ca-certificates.crt"},
	{"alpine", []string{"etc/ssl/certs"}, "/usr/sbin/update-ca-certificates", "/usr/local/share/ca-certificates/rtdev-ca.crt", "/etc/ssl/certs/ca-certificates.crt"},
	{"fedora", []string{"etc/pki/ca-trust/source/anchors", "etc/pki/ca-trust/extracted/pem"}, "/usr/bin/update-ca-trust", "/etc/pki/ca-trust/source/anchors/rtdev-ca.pem", "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem"},
	{"opensuse", []string{"etc/pki/trust/anchors", "var/lib/ca-certificates"}, "/usr/sbin/update-ca-certificates", "/etc/pki/trust/anchors/rtdev-ca.pem", "/var/lib/ca-certificates/ca-bundle.pem"},
	{"arch", []string{"etc/ca-certificates/trust-source/anchors", "etc/ca-certificates/extracted"}, "/usr/bin/update-ca-trust", "/etc/ca-certificates/trust-source/anchors/rtdev-ca.crt", "/etc/ca-certificates/extracted/tls-ca-bundle.pem"},
}

// busyboxApplets are the commands the scripts and stubs use.
var busyboxApplets = []string{"sh", "cp", "mv", "mkdir", "cmp", "rm", "id", "dirname", "cat", "chmod", "echo", "printf", "true", "pwd"}

// fakeImage builds f's root folder and returns it.
func fakeImage(t *testing.T, f family) string {
	t.Helper()
	root := t.TempDir()
	bb := testtool.Need(t, "busybox")
	for _, d := range append([]string{"bin", "usr/bin", "usr/sbin", "run/rtdev", "tmp", "feature"}, f.dirs...) {
		if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	data, err := os.ReadFile(bb)
	if err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(root, "bin", "busybox"), data, 0o755)
	for _, a := range busyboxApplets {
		if err := os.Symlink("busybox", filepath.Join(root, "bin", a)); err != nil {
			t.Fatal(err)
		}
	}
	// The engine gives every container a /dev with null in it.
	if err := os.MkdirAll(filepath.Join(root, "dev"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mknod(filepath.Join(root, "dev", "null"), syscall.S_IFCHR|0o666, int(unix.Mkdev(1, 3))); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(filepath.Join(root, "dev", "null"), 0o666); err != nil {
		t.Fatal(err)
	}
	if f.tool != "" {
		anchors := filepath.Dir(f.anchor)
		stub := "#!/bin/sh\necho \"$0 $*\" >> /calls.log\ncat " + anchors + "/* > " + f.bundle + "\n"
		write(t, filepath.Join(root, f.tool), []byte(stub), 0o755)
	}
	return root
}

func write(t *testing.T, path string, data []byte, mode os.FileMode) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, mode); err != nil {
		t.Fatal(err)
	}
}

// inImage runs argv in root as the image would (chroot, the image's PATH),
// as user ("" for root), and returns its combined output.
func inImage(t *testing.T, root, user string, argv ...string) (string, error) {
	t.Helper()
	args := []string{}
	if user != "" {
		args = append(args, "--userspec="+user)
	}
	args = append(append(args, root), argv...)
	cmd := exec.Command("chroot", args...)
	cmd.Env = []string{"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "HOME=/tmp"}
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func needChroot(t *testing.T) {
	t.Helper()
	if runtime.GOOS != "linux" || os.Geteuid() != 0 {
		t.Skip("the fake images run under chroot, which needs root on Linux")
	}
	testtool.Need(t, "chroot")
}

// testCA is a fresh rtdev CA's certificate, PEM.
func testCA(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile(testpki.New(t, "image.localhost").CAFile)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func calls(t *testing.T, root string) []string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, "calls.log"))
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSpace(string(b)), "\n")
}

// TestFeatureInstallPerFamily runs the Feature's install.sh as the image
// build does (root, from its folder) in each family's fake image: the CA
// lands in the family's anchor folder, the family's tool runs once, the
// bundle holds the CA, and the copy for Node and Deno is in place. A
// second build changes nothing.
func TestFeatureInstallPerFamily(t *testing.T) {
	needChroot(t)
	caPEM := testCA(t)
	files, err := Feature(caPEM)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		t.Run(f.name, func(t *testing.T) {
			root := fakeImage(t, f)
			for _, ff := range files {
				write(t, filepath.Join(root, "feature", ff.Name), ff.Data, os.FileMode(ff.Mode))
			}
			out, err := inImage(t, root, "", "/feature/install.sh")
			if err != nil {
				t.Fatalf("install.sh: %v\n%s", err, out)
			}
			for _, path := range []string{f.anchor, ImageCAPath, f.bundle} {
				got, err := os.ReadFile(filepath.Join(root, path))
				if err != nil || !bytes.Contains(got, caPEM) {
					t.Errorf("%s does not hold the CA (%v)\n%s", path, err, out)
				}
			}
			if c := calls(t, root); len(c) != 1 || !strings.HasPrefix(c[0], f.tool) {
				t.Errorf("store tool calls %q, want one of %s\n%s", c, f.tool, out)
			}
			out, err = inImage(t, root, "", "/feature/install.sh")
			if err != nil || !strings.Contains(out, "already in "+f.anchor) {
				t.Errorf("second build: %v\n%s", err, out)
			}
			if c := calls(t, root); len(c) != 1 {
				t.Errorf("the second build ran the store tool again: %q", c)
			}
		})
	}
}

// TestFeatureInstallsTheStoreTool: a slim image without the
// ca-certificates package gets it from its package manager (a stand-in
// apt-get that installs the tool), then the CA.
func TestFeatureInstallsTheStoreTool(t *testing.T) {
	needChroot(t)
	caPEM := testCA(t)
	f := families[0]
	tool := f.tool
	f.tool = ""
	root := fakeImage(t, f)
	aptGet := "#!/bin/sh\necho \"apt-get $*\" >> /calls.log\n[ \"$1\" = install ] || exit 0\n" +
		"printf '#!/bin/sh\\necho \"$0 $*\" >> /calls.log\\n' > " + tool + "\nchmod 755 " + tool + "\n"
	write(t, filepath.Join(root, "usr/bin/apt-get"), []byte(aptGet), 0o755)
	files, err := Feature(caPEM)
	if err != nil {
		t.Fatal(err)
	}
	for _, ff := range files {
		write(t, filepath.Join(root, "feature", ff.Name), ff.Data, os.FileMode(ff.Mode))
	}
	out, err := inImage(t, root, "", "/feature/install.sh")
	if err != nil {
		t.Fatalf("install.sh: %v\n%s", err, out)
	}
	c := calls(t, root)
	if len(c) != 3 || c[0] != "apt-get update" || !strings.HasPrefix(c[1], "apt-get install -y --no-install-recommends ca-certificates") || !strings.HasPrefix(c[2], tool) {
		t.Errorf("calls %q, want apt-get update, apt-get install ca-certificates, then %s", c, tool)
	}
}

// TestAdapter runs the entrypoint adapter in each family's image: as root
// it installs the mounted CA and execs the command with its arguments
// intact; as another user it says the store is root's and still runs the
// command; an image with no store tool runs the command too.
func TestAdapter(t *testing.T) {
	needChroot(t)
	caPEM := testCA(t)
	for _, f := range append(families, family{name: "no store"}) {
		t.Run(f.name, func(t *testing.T) {
			root := fakeImage(t, f)
			write(t, filepath.Join(root, MountedCAPath), caPEM, 0o644)
			write(t, filepath.Join(root, AdapterPath), []byte(Adapter()), 0o755)
			argv := []string{AdapterPath, "/bin/sh", "-c", `echo "args: $1|$2"`, "_", "a b", "it's"}
			if f.tool == "" {
				out, err := inImage(t, root, "", argv...)
				if err != nil || !strings.Contains(out, "args: a b|it's") || !strings.Contains(out, "no trust store tool") {
					t.Errorf("no store: %v\n%s", err, out)
				}
				return
			}
			out, err := inImage(t, root, "", argv...)
			if err != nil || !strings.Contains(out, "args: a b|it's") {
				t.Fatalf("adapter: %v\n%s", err, out)
			}
			if got, err := os.ReadFile(filepath.Join(root, f.anchor)); err != nil || !bytes.Equal(got, caPEM) {
				t.Errorf("the CA is not in %s: %v\n%s", f.anchor, err, out)
			}

			// Another user, in a fresh image: the command runs, nothing is
			// written, and the reason is said.
			root = fakeImage(t, f)
			write(t, filepath.Join(root, MountedCAPath), caPEM, 0o644)
			write(t, filepath.Join(root, AdapterPath), []byte(Adapter()), 0o755)
			out, err = inImage(t, root, "1000:1000", argv...)
			if err != nil || !strings.Contains(out, "args: a b|it's") || !strings.Contains(out, "the store is root's") {
				t.Errorf("as uid 1000: %v\n%s", err, out)
			}
			if _, err := os.Stat(filepath.Join(root, f.anchor)); err == nil {
				t.Errorf("uid 1000 wrote %s", f.anchor)
			}
		})
	}
}

// TestAdapterNeedsACommand: with no command the adapter says what to add
// rather than exiting quietly.
func TestAdapterNeedsACommand(t *testing.T) {
	needChroot(t)
	f := families[0]
	root := fakeImage(t, f)
	write(t, filepath.Join(root, AdapterPath), []byte(Adapter()), 0o755)
	out, err := inImage(t, root, "", AdapterPath)
	if err == nil || !strings.Contains(out, "needs the service's command") {
		t.Errorf("adapter without a command: %v\n%s", err, out)
	}
}

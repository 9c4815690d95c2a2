//go:build linux

package container

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/compose-spec/compose-go/v2/types"

	"github.com/rtdev/rtdev/internal/testtool"
)

// Mount is a bind mount added by a test beside the service's own, to look
// at a host file from inside (always read-only).
type Mount struct{ Source, Target string }

// RunOptions change how one run of a service differs from its compose
// entry.
type RunOptions struct {
	// Command replaces the service's command when set.
	Command []string
	// Mounts are added read-only to the service's volumes.
	Mounts []Mount
	// Entrypoint is the image's entrypoint, which the engine puts before
	// the command (compose cannot read it from an image here); the
	// service's own entrypoint, when it has one, replaces it.
	Entrypoint []string
	// ImageEnv is the image's own environment (its ENV lines); the
	// service's environment wins over it.
	ImageEnv map[string]string
	// Timeout bounds Run; 60 s when zero.
	Timeout time.Duration
}

// Result is what a service's command did.
type Result struct {
	Stdout, Stderr string
	Err            error
}

// defaultPath is the PATH of Debian's images (their ENV PATH), which an
// engine passes to the command.
const defaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

// setup runs as root inside the new mount and PID namespaces (it is PID 1
// there): it builds the container's file system, then chroot drops to the
// service's user and execs its command with only the service's
// environment.
const setup = `set -eu
rootfs=$1 scratch=$2 mounts=$3 hosts=$4 userspec=$5 groups=$6
shift 6
mount -t tmpfs -o mode=0755 rtdev-scratch "$scratch"
mkdir "$scratch/upper" "$scratch/work" "$scratch/merged"
m=$scratch/merged
mount -t overlay overlay -o "lowerdir=$rootfs,upperdir=$scratch/upper,workdir=$scratch/work" "$m"
mount -t proc proc "$m/proc"
mount --rbind /dev "$m/dev"
mount -t tmpfs -o mode=1777 tmpfs "$m/tmp"
while IFS='	' read -r mode src dst; do
	if [ -d "$src" ]; then mkdir -p "$m$dst"; else mkdir -p "$(dirname "$m$dst")"; : >>"$m$dst"; fi
	mount --bind "$src" "$m$dst"
	if [ "$mode" = ro ]; then mount -o remount,bind,ro "$m$dst"; fi
done <"$mounts"
# Docker creates /.dockerenv in every container it runs; rtdev reads it.
: >"$m/.dockerenv"
cp "$hosts" "$m/etc/hosts"
chmod 0644 "$m/etc/hosts"
exec chroot --userspec="$userspec" --groups="$groups" "$m" "$@"
`

// Run starts service name (entry svc of the loaded project) in a container
// on h and waits for its command to end.
func (h *Host) Run(t *testing.T, name string, svc types.ServiceConfig, o RunOptions) Result {
	t.Helper()
	timeout := o.Timeout
	if timeout == 0 {
		timeout = time.Minute
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd, _ := h.command(ctx, t, name, svc, o)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	return Result{Stdout: out.String(), Stderr: errOut.String(), Err: err}
}

// Start runs service name in the background until the test ends, and
// returns its address. From then on the containers started on h resolve
// its name and its network aliases to that address, as the engine's DNS
// answers them.
func (h *Host) Start(t *testing.T, name string, svc types.ServiceConfig, o RunOptions) string {
	t.Helper()
	cmd, addr := h.command(context.Background(), t, name, svc, o)
	out := &testtool.SyncBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	// Its own process group, so the cleanup ends the whole container.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start service %s: %v", name, err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-done
		if t.Failed() {
			t.Logf("service %s output:\n%s", name, out.String())
		}
	})
	h.names[name] = addr
	for _, n := range svc.Networks {
		if n != nil {
			for _, a := range n.Aliases {
				h.names[a] = addr
			}
		}
	}
	return addr
}

// command is the command line that runs service name in a new container,
// and the container's address.
func (h *Host) command(ctx context.Context, t *testing.T, name string, svc types.ServiceConfig, o RunOptions) (*exec.Cmd, string) {
	t.Helper()
	rootfs := Rootfs(t)
	unshare := testtool.Need(t, "unshare")
	ns, addr := h.plug(t)
	dir := t.TempDir()
	scratch := filepath.Join(dir, "scratch")
	if err := os.Mkdir(scratch, 0o700); err != nil {
		t.Fatal(err)
	}

	var mounts strings.Builder
	for _, v := range svc.Volumes {
		if v.Type != types.VolumeTypeBind {
			t.Fatalf("service %s: only bind mounts run here, not %s", name, v.Type)
		}
		mode := "rw"
		if v.ReadOnly {
			mode = "ro"
		}
		fmt.Fprintf(&mounts, "%s\t%s\t%s\n", mode, v.Source, v.Target)
	}
	for _, m := range o.Mounts {
		fmt.Fprintf(&mounts, "ro\t%s\t%s\n", m.Source, m.Target)
	}
	mountsFile := writeFile(t, dir, "mounts", mounts.String())
	hostsFile := writeFile(t, dir, "hosts", h.etcHosts(name, addr, svc.ExtraHosts))

	uid, gid := "0", "0"
	if svc.User != "" {
		u, g, ok := strings.Cut(svc.User, ":")
		uid = u
		if ok {
			gid = g
		}
	}
	if strings.Trim(uid+gid, "0123456789") != "" {
		t.Fatalf("service %s: user %q: only numeric uid[:gid] runs here", name, svc.User)
	}
	groups := append([]string{gid}, svc.GroupAdd...)

	argv := append([]string{"/usr/bin/env", "-i"}, environment(svc, o.ImageEnv)...)
	command := []string(svc.Command)
	if o.Command != nil {
		command = o.Command
	}
	// The service's own entrypoint replaces the image's, as the engine
	// does (the override's adapter, for one).
	entry := o.Entrypoint
	if svc.Entrypoint != nil {
		entry = svc.Entrypoint
	}
	command = append(append([]string{}, entry...), command...)
	if len(command) == 0 {
		t.Fatalf("service %s has no command", name)
	}
	argv = append(argv, command...)
	full := append(h.inNS(ns, unshare, "--mount", "--pid", "--fork", "--propagation", "private", "--kill-child",
		"/bin/sh", "-c", setup, "setup", rootfs, scratch, mountsFile, hostsFile, uid+":"+gid, strings.Join(groups, ",")), argv...)
	return exec.CommandContext(ctx, full[0], full[1:]...), addr
}

func (h *Host) inNS(ns string, argv ...string) []string {
	return append([]string{h.ip, "netns", "exec", ns}, argv...)
}

// environment is the service's variables as NAME=VALUE, sorted, over the
// image's own and what an engine sets: PATH (from the image) and HOME.
func environment(svc types.ServiceConfig, image map[string]string) []string {
	vars := map[string]string{"PATH": defaultPath, "HOME": "/root"}
	for k, v := range image {
		vars[k] = v
	}
	for k, v := range svc.Environment {
		if v != nil {
			vars[k] = *v
		}
	}
	env := make([]string, 0, len(vars))
	for k, v := range vars {
		env = append(env, k+"="+v)
	}
	sort.Strings(env)
	return env
}

// etcHosts is the container's /etc/hosts: what Docker writes (localhost,
// its own name and address, then extra_hosts, host-gateway replaced by the
// bridge address), and the names and aliases of the services started so
// far, which Docker's DNS would answer.
func (h *Host) etcHosts(name, addr string, extra types.HostsList) string {
	var b strings.Builder
	b.WriteString("127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n")
	fmt.Fprintf(&b, "%s\t%s\n", addr, name)
	others := make([]string, 0, len(h.names))
	for n := range h.names {
		others = append(others, n)
	}
	sort.Strings(others)
	for _, n := range others {
		fmt.Fprintf(&b, "%s\t%s\n", h.names[n], n)
	}
	hosts := make([]string, 0, len(extra))
	for host := range extra {
		hosts = append(hosts, host)
	}
	sort.Strings(hosts)
	for _, host := range hosts {
		for _, ip := range extra[host] {
			if ip == hostGateway {
				ip = h.BridgeIP
			}
			fmt.Fprintf(&b, "%s\t%s\n", ip, host)
		}
	}
	return b.String()
}

func writeFile(t *testing.T, dir, name, text string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// hostGateway is the special extra_hosts address Docker replaces with the
// host's address on the default bridge (dockerd --host-gateway-ip).
const hostGateway = "host-gateway"

//go:build linux

package netns

import (
	"fmt"
	"os/exec"
	"strings"
	"sync"
	"testing"

	"golang.org/x/net/bpf"

	"github.com/rtdev/rtdev/internal/testtool"
)

// HoldLoopbackPort makes TCP to localhost:port inside namespace ns hang
// instead of connecting: every packet to 127.0.0.1 or ::1 on that port is
// dropped as it arrives on lo, so a connect neither succeeds nor fails
// until the returned release is called (then the kernel's SYN retry
// connects). The same port on the namespace's other addresses, which also
// travel over lo, is left alone. It stands in for a browser holding a
// socket for a permission prompt, which headless Chromium never does.
//
// This kernel has tc's clsact qdisc and bpf classifier but no drop
// action module, so the filter is a classic BPF program in direct-action
// mode, whose return value is the verdict.
func HoldLoopbackPort(t testing.TB, ns string, port int) (release func()) {
	t.Helper()
	tc := testtool.Need(t, "tc")
	prog, err := bpf.Assemble(holdProgram(uint32(port)))
	if err != nil {
		t.Fatal(err)
	}
	code := []string{fmt.Sprint(len(prog))}
	for _, in := range prog {
		code = append(code, fmt.Sprintf("%d %d %d %d", in.Op, in.Jt, in.Jf, in.K))
	}
	run := func(args ...string) error {
		out, err := exec.Command(tc, append([]string{"-n", ns}, args...)...).CombinedOutput()
		if err != nil {
			return fmt.Errorf("tc %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return nil
	}
	if err := run("qdisc", "add", "dev", "lo", "clsact"); err != nil {
		t.Fatal(err)
	}
	release = sync.OnceFunc(func() {
		if err := run("qdisc", "del", "dev", "lo", "clsact"); err != nil {
			t.Error(err)
		}
	})
	t.Cleanup(release)
	if err := run("filter", "add", "dev", "lo", "ingress", "bpf", "da", "bytecode", strings.Join(code, ",")); err != nil {
		t.Fatal(err)
	}
	return release
}

// Verdicts of a direct-action tc classifier.
const (
	tcActOK   = 0
	tcActShot = 2
)

// holdProgram drops TCP to 127.0.0.1:port and to port over IPv6 (the only
// IPv6 on lo inside a test namespace is ::1). A classifier on ingress sees
// the packet from its link header, 14 bytes of Ethernet on lo.
func holdProgram(port uint32) []bpf.Instruction {
	const eth = 14
	return []bpf.Instruction{
		/* 0 */ bpf.LoadAbsolute{Off: 12, Size: 2}, // EtherType
		/* 1 */ bpf.JumpIf{Cond: bpf.JumpEqual, Val: 0x0800, SkipFalse: 7},
		/* 2 */ bpf.LoadAbsolute{Off: eth + 16, Size: 4}, // IPv4 destination
		/* 3 */ bpf.JumpIf{Cond: bpf.JumpEqual, Val: 0x7f000001, SkipFalse: 10},
		/* 4 */ bpf.LoadAbsolute{Off: eth + 9, Size: 1}, // IPv4 protocol
		/* 5 */ bpf.JumpIf{Cond: bpf.JumpEqual, Val: 6, SkipFalse: 8},
		/* 6 */ bpf.LoadMemShift{Off: eth}, // X = IPv4 header length
		/* 7 */ bpf.LoadIndirect{Off: eth + 2, Size: 2}, // TCP destination port
		/* 8 */ bpf.JumpIf{Cond: bpf.JumpEqual, Val: port, SkipTrue: 6, SkipFalse: 5},
		/* 9 */ bpf.JumpIf{Cond: bpf.JumpEqual, Val: 0x86dd, SkipFalse: 4}, // A is still the EtherType
		/* 10 */ bpf.LoadAbsolute{Off: eth + 6, Size: 1}, // IPv6 next header
		/* 11 */ bpf.JumpIf{Cond: bpf.JumpEqual, Val: 6, SkipFalse: 2},
		/* 12 */ bpf.LoadAbsolute{Off: eth + 40 + 2, Size: 2}, // TCP destination port
		/* 13 */ bpf.JumpIf{Cond: bpf.JumpEqual, Val: port, SkipTrue: 1},
		/* 14 */ bpf.RetConstant{Val: tcActOK},
		/* 15 */ bpf.RetConstant{Val: tcActShot},
	}
}

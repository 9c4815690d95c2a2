package cmd

import (
	"bytes"
	"net"
	"strings"
	"testing"

	"github.com/rtdev/rtdev/internal/ui"
	"github.com/rtdev/rtdev/project"
)

// Inside WSL2 under NAT the phone reaches the Windows host: its address is
// an interface of the host list (asked of Windows once per run), and serve
// --lan prints the port proxy from it to the VM's own address.
func TestWSLHostsAndPortProxy(t *testing.T) {
	vm := bannerSystem{ifs: []project.Interface{{Name: "eth0", Up: true, Addrs: []*net.IPNet{
		{IP: net.ParseIP("172.20.1.5").To4(), Mask: net.CIDRMask(20, 32)}}}}}
	asked := 0
	sys := &wslHosts{System: vm, ask: func() []net.IP { asked++; return []net.IP{net.ParseIP("192.168.1.50").To4()} }}
	var sources []string
	for range 2 {
		for _, h := range project.WantedHosts(sys, project.Defaults(), nil) {
			if h.Name == "192.168.1.50" {
				sources = append(sources, h.Source)
			}
		}
	}
	if asked != 1 || strings.Join(sources, ",") != "interface windows-host,interface windows-host" {
		t.Errorf("asked Windows %d times; sources %q", asked, sources)
	}

	var errOut bytes.Buffer
	a := &app{io: &ui.IOStreams{In: &bytes.Buffer{}, Out: &bytes.Buffer{}, ErrOut: &errOut}}
	printPortProxy(a, sys, 9000)
	out := errOut.String()
	for _, want := range []string{
		"https://192.168.1.50:9000",
		"netsh interface portproxy add v4tov4 listenport=9000 listenaddress=0.0.0.0 connectport=9000 connectaddress=172.20.1.5",
		"New-NetFirewallRule -DisplayName 'rtdev serve 9000' -Direction Inbound -Protocol TCP -LocalPort 9000 -Action Allow",
		"rtdev never runs them",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}

	// Mirrored mode, or outside WSL: nothing to print.
	errOut.Reset()
	printPortProxy(a, &wslHosts{System: vm, ask: func() []net.IP { return nil }}, 9000)
	printPortProxy(a, vm, 9000)
	if errOut.Len() != 0 {
		t.Errorf("printed without a Windows address: %q", errOut.String())
	}
}

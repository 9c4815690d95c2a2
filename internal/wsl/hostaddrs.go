package wsl

import (
	"context"
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"slices"

	"github.com/rtdev/rtdev/internal/fsutil"
)

// HostAddrsFileName is the file, in the project's certificate folder,
// holding the Windows host's LAN addresses as Windows last gave them. The
// addresses are in the project certificate under NAT; without the file,
// one slow or failed PowerShell call would drop them from the wanted hosts
// and reissue the certificate (and the phone would need it again) for
// nothing but a Windows hiccup.
const HostAddrsFileName = "wsl-windows-host.json"

// WindowsHostAddrs are the Windows host's LAN addresses a phone reaches
// under NAT, none in mirrored mode or WSL1. An answer from Windows is kept
// in dir (the certificate folder, which the project lock holds while the
// host list is read). When Windows does not answer, the error says why and
// the addresses returned are the ones kept. Keeping is best effort: a
// folder that cannot be written only means a later run keeps them.
func (x Interop) WindowsHostAddrs(ctx context.Context, dir string) ([]net.IP, error) {
	memo := filepath.Join(dir, HostAddrsFileName)
	m, err := x.NetworkingMode(ctx)
	if err == nil && !m.NAT() {
		// Mirrored mode: the LAN addresses are local interfaces now, and
		// addresses kept from a NAT past must not come back on a failure.
		_ = os.Remove(memo)
		return nil, nil
	}
	var ips []net.IP
	if err == nil {
		ips, err = x.WindowsLANAddrs(ctx)
	}
	if err != nil {
		return readHostAddrs(memo), err
	}
	if !slices.EqualFunc(ips, readHostAddrs(memo), net.IP.Equal) {
		writeHostAddrs(memo, ips)
	}
	return ips, nil
}

// readHostAddrs reads the kept addresses, taking only what WindowsLANAddrs
// itself would: the file is this user's, but it is still input.
func readHostAddrs(path string) []net.IP {
	var list []string
	if json.Unmarshal([]byte(readSmall(path)), &list) != nil {
		return nil
	}
	var out []net.IP
	for _, s := range list {
		out = addHostAddr(out, s)
	}
	return out
}

func writeHostAddrs(path string, ips []net.IP) {
	list := make([]string, 0, len(ips))
	for _, ip := range ips {
		list = append(list, ip.String())
	}
	data, _ := json.Marshal(list) // a []string always marshals
	// Best effort, as WindowsHostAddrs says.
	_ = fsutil.WriteFileAtomic(path, append(data, '\n'), 0o644)
}

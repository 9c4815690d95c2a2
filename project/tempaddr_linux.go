package project

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"net"
	"os"
	"strconv"
	"strings"
)

// ifaTemporary is IFA_F_TEMPORARY from linux/if_addr.h: the address is an
// RFC 8981 temporary (privacy) address.
const ifaTemporary = 0x01

// temporaryAddrs reads the temporary IPv6 addresses per interface from
// /proc/net/if_inet6, the one place the flag is shown without netlink.
func temporaryAddrs() map[string][]net.IP {
	data, err := os.ReadFile("/proc/net/if_inet6")
	if err != nil {
		return nil
	}
	return parseIfInet6(data)
}

// parseIfInet6 parses lines such as
// "20010db8000000000000000000000005 02 40 00 01 wlan0": address, interface
// index, prefix length, scope and flags in hex, then the interface name.
func parseIfInet6(data []byte) map[string][]net.IP {
	out := map[string][]net.IP{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) != 6 || len(f[0]) != 32 {
			continue
		}
		flags, err := strconv.ParseUint(f[4], 16, 32)
		if err != nil || flags&ifaTemporary == 0 {
			continue
		}
		raw, err := hex.DecodeString(f[0])
		if err != nil {
			continue
		}
		out[f[5]] = append(out[f[5]], net.IP(raw))
	}
	return out
}

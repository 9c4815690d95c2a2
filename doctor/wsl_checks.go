package doctor

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/rtdev/rtdev/internal/wsl"
	"github.com/rtdev/rtdev/trust"
)

// WSLOptions is what doctor learns of the Windows side when rtdev runs
// inside WSL. cmd fills it; the functions run powershell.exe through the
// trust package's environment, so doctor itself starts nothing.
type WSLOptions struct {
	Info wsl.Info
	// Mode reads the networking mode; nil skips it.
	Mode func(ctx context.Context) (wsl.Mode, error)
	// Ports are rtdev serve ports that answer on loopback here.
	Ports []int
	// Fetch has Windows fetch https://localhost:PORT/rtdev/health.
	Fetch func(ctx context.Context, port int) (wsl.Fetch, error)
}

// fixWindowsTrust is trust.WindowsInstallCommand, the one fix for a CA
// Windows lacks.
const fixWindowsTrust = trust.WindowsInstallCommand

// checkWSL proves the set-up from the Windows side: how Windows and a
// phone reach a server here, and whether Windows itself trusts what a
// running rtdev serve presents. The store's own status is a trust
// finding (windows store); a CA folder on a Windows drive is named here.
func checkWSL(ctx context.Context, o *WSLOptions, caDir string) []Finding {
	if o == nil || !o.Info.InWSL() {
		return nil
	}
	var out []Finding
	if drive, ok := o.Info.OnWindowsDrive(caDir); ok {
		out = append(out, Finding{ID: IDWSLCARootOnWindows, Severity: SeverityWarn, Subject: caDir,
			Message: "the CA folder is on the Windows drive " + drive + ", where Linux file modes are not kept, so ca-key.pem reads as everyone's and rtdev and other tools fail with permission errors",
			Fix:     "unset RTDEV_CAROOT && rtdev init"})
	}
	if o.Mode != nil {
		out = append(out, modeFinding(ctx, o))
	}
	for _, port := range o.Ports {
		if o.Fetch == nil {
			break
		}
		f, err := o.Fetch(ctx, port)
		out = append(out, fetchFinding(port, f, err))
		var ie *wsl.InteropError
		if errors.As(err, &ie) {
			break // the next port would wait the same timeout
		}
	}
	return out
}

func modeFinding(ctx context.Context, o *WSLOptions) Finding {
	m, err := o.Mode(ctx)
	if err != nil {
		return interopFinding(err, "the networking mode could not be read")
	}
	f := Finding{ID: IDWSLMode, Severity: SeverityInfo, Subject: "WSL " + o.Info.Distro,
		Details: map[string]any{"mode": m.Name, "source": m.Source}}
	switch {
	case m.Mirrored():
		f.Message = "WSL runs in mirrored networking mode (" + m.Source + "): Windows reaches rtdev serve on localhost, and with rtdev serve --lan a phone uses this machine's LAN address directly (Windows' Hyper-V firewall must allow the port)"
	case m.NAT():
		f.Message = "WSL2 runs in NAT networking mode (" + m.Source + "): Windows reaches rtdev serve through localhost forwarding; a phone reaches the Windows host's LAN address, which rtdev serve --lan puts in the certificate, through a port proxy rtdev serve --lan prints"
	default:
		f.Message = "WSL runs in " + m.Name + " networking mode (" + m.Source + ")"
	}
	return f
}

// interopFinding reports Windows out of reach; other errors are a
// failed check.
func interopFinding(err error, what string) Finding {
	var ie *wsl.InteropError
	if errors.As(err, &ie) {
		return Finding{ID: IDWSLInteropOff, Severity: SeverityWarn, Subject: "powershell.exe",
			Message: ie.Error() + ", so rtdev can neither check nor change what Windows trusts; " + ie.Hint()}
	}
	return Finding{ID: IDWSLWindowsFetchError, Severity: SeverityWarn, Subject: "powershell.exe", Message: what + ": " + err.Error()}
}

func fetchFinding(port int, f wsl.Fetch, err error) Finding {
	url := fmt.Sprintf("https://localhost:%d/rtdev/health", port)
	if err != nil {
		return interopFinding(err, "Windows could not fetch "+url)
	}
	out := Finding{Subject: url, Details: map[string]any{"port": port, "status": f.Status}}
	if f.Message != "" {
		out.Details["windows_message"] = f.Message
	}
	switch {
	case f.OK || f.Status == "ProtocolError":
		// An HTTP error status still means the TLS handshake passed.
		out.ID, out.Severity = IDWSLWindowsFetchOK, SeverityOK
		out.Message = "Windows fetched " + url + " over HTTPS: it reaches rtdev serve and trusts its certificate"
	case f.Status == "TrustFailure":
		out.ID, out.Severity = IDWSLWindowsUntrusted, SeverityError
		out.Message = "Windows reaches " + url + " but does not trust its certificate, so Chrome and Edge on Windows show NET::ERR_CERT_AUTHORITY_INVALID"
		out.Fix = fixWindowsTrust
	case f.Status == "ConnectFailure" || f.Status == "Timeout" || f.Status == "NameResolutionFailure":
		out.ID, out.Severity = IDWSLWindowsUnreached, SeverityError
		out.Message = "Windows cannot reach rtdev serve on localhost:" + fmt.Sprint(port) + " (" + f.Status + "): localhost forwarding is off in .wslconfig (localhostForwarding=false) or serve listens on an address other than loopback or all addresses"
	default:
		out.ID, out.Severity = IDWSLWindowsFetchError, SeverityError
		out.Message = strings.TrimSpace("Windows could not fetch " + url + " (" + f.Status + "): " + f.Message)
	}
	return out
}

// mismatchFinding is the windows store holding another rtdev CA but not
// this one: an old CA, or one made by rtdev on Windows itself.
func mismatchFinding(r trust.Result, subject string, details map[string]any) Finding {
	details["other_cas"] = r.OtherCAs
	return Finding{ID: IDWSLCAMismatch, Severity: SeverityError, Subject: subject, Details: details,
		Message: "the Windows Root store holds another rtdev CA (SHA-1 " + strings.Join(r.OtherCAs, ", ") + ") but not this one, so Chrome, Edge and Firefox on Windows reject this CA's certificates",
		Fix:     fixWindowsTrust}
}

package doctor

// Finding IDs. They are the stable part of `rtdev doctor --json`: scripts
// match on them, so an ID is never renamed or reused for something else.
// The README's "rtdev doctor --json" section lists each with its severity
// and Details keys.

// Local checks: the CA.
const (
	IDCAMissing        = "ca-missing"      // no ca.pem in the CA folder
	IDCAInvalid        = "ca-invalid"      // ca.pem does not parse or is not a CA
	IDCAKeyMissing     = "ca-key-missing"  // a keyless CA: trust works, issuing does not
	IDCAKeyReadable    = "ca-key-readable" // ca-key.pem readable by group or others
	IDCAKeyInvalid     = "ca-key-invalid"  // ca-key.pem unreadable or not the CA's key
	IDCAExpired        = "ca-expired"
	IDCAExpiring       = "ca-expiring"
	IDCAOK             = "ca-ok"
	IDProjectDirUnsafe = "project-dir-unsafe" // .rtdev is a link, or overlaps the CA folder
	IDCAWidened        = "ca-widened"         // constraints beyond the built-in private names and ranges
	IDCAWidenedPublic  = "ca-widened-public"  // a public-domain constraint covering a host of the committed rtdev.toml
	IDCAUnconstrain    = "ca-unconstrained"   // no name constraints: a leaked key can sign any name
)

// Local checks: trust stores (one finding per store location; a store
// RTDEV_TRUST_STORES leaves out is read too, and its problems are info).
const (
	IDCANotTrusted      = "ca-not-trusted"
	IDCATrusted         = "ca-trusted"
	IDTrustSkipped      = "trust-skipped" // the store does not apply here
	IDTrustCheckFailed  = "trust-check-failed"
	IDTrustNotAvailable = "trust-unavailable" // the stores could not be listed
	IDJavaHomeInvalid   = "java-home-invalid" // JAVA_HOME names a folder that does not exist
	IDFlatpakNoNSSDB    = "flatpak-no-nssdb"  // a Flatpak browser whose NSS database does not outlive it
)

// Local checks: the project certificate in .rtdev/.
const (
	IDLeafMissing          = "leaf-missing"
	IDLeafInvalid          = "leaf-invalid"
	IDLeafKeyMissing       = "leaf-key-missing"
	IDLeafKeyMismatch      = "leaf-key-mismatch"
	IDLeafKeyReadable      = "leaf-key-readable"
	IDLeafWrongCA          = "leaf-wrong-ca"
	IDLeafExpired          = "leaf-expired"
	IDLeafNotYetValid      = "leaf-not-yet-valid"
	IDLeafRenewalDue       = "leaf-renewal-due"
	IDLeafHostMissing      = "leaf-host-missing"
	IDLeafLANChanged       = "leaf-lan-changed"
	IDLeafHostNotPermitted = "leaf-host-not-permitted"
	IDLeafOK               = "leaf-ok"
	IDProjectCAStale       = "project-ca-stale" // a CA copy in .rtdev/ that is not the CA folder's
)

// Local checks: git.
const (
	IDGitUnavailable = "git-unavailable"
	IDGitNotRepo     = "git-not-repo"
	IDGitNotIgnored  = "git-not-ignored"
	IDGitKeyTracked  = "git-key-tracked"
	IDGitOK          = "git-ok"
)

// Local checks: the variables runtimes read to trust the CA.
const (
	IDRuntimeTrustUnset    = "runtime-trust-unset"
	IDRuntimeCAFileMissing = "runtime-ca-file-missing"
	IDRuntimeCAFileStale   = "runtime-ca-file-stale"
	IDRuntimeTrustOK       = "runtime-trust-ok"
)

// Inside a container, on a project the host mounted (CheckContainer).
const (
	IDContainerSet    = "container-set"       // the host's certificate set in .rtdev/, as this container sees it
	IDContainerTrust  = "container-trust"     // whether this container's processes trust the rtdev CA
	IDContainerServe  = "container-serve"     // whether rtdev serve on the host answers at host.docker.internal
	IDContainerNoName = "container-host-name" // host.docker.internal does not resolve here
)

// Local checks: containers on the host.
const (
	IDComposeOverride = "compose-override"        // whether the compose services get compose.rtdev.yaml through COMPOSE_FILE
	IDFeatureCA       = "devcontainer-feature-ca" // the CA the devcontainer Feature bakes into the image
)

// Live probes: reaching the port.
const (
	IDTargetInvalid = "target-invalid"
	IDDNSFailed     = "dns-failed"
	IDTCPRefused    = "tcp-refused"
	IDTCPTimeout    = "tcp-timeout"
	IDTCPFailed     = "tcp-failed"
)

// Live probes: the protocol spoken on the port.
const (
	IDTLSPlainHTTP       = "tls-plain-http" // https/wss URL, plain HTTP server
	IDPlainTLSPort       = "plain-tls-port" // http/ws URL, TLS server
	IDPlainNotHTTP       = "plain-not-http" // neither HTTP nor TLS answers
	IDPlainHTTPOK        = "plain-http-ok"
	IDMixedContent       = "mixed-content" // an https:// --origin page, a plain http/ws endpoint
	IDTLSHandshakeFailed = "tls-handshake-failed"
	IDTLSALPNMismatch    = "tls-alpn-mismatch"
	IDTLSOldVersion      = "tls-old-version"
	IDTLSOK              = "tls-ok"
)

// Live probes: the certificate presented.
const (
	IDCertUntrustedRTDevCA = "cert-untrusted-rtdev-ca" // your rtdev CA, trusted by no client family here
	IDCertPartlyTrusted    = "cert-partly-trusted"     // your rtdev CA, trusted by some client families only
	IDCertOtherRTDevCA     = "cert-other-rtdev-ca"     // another machine's (or an old) rtdev CA
	IDCertSelfSigned       = "cert-self-signed"
	IDCertUnknownAuthority = "cert-unknown-authority"
	IDCertStoreTrusted     = "cert-store-trusted" // another CA, trusted by the browsers' store but not the system store
	IDCertIncompleteChain  = "cert-incomplete-chain"
	IDCertNameMismatch     = "cert-name-mismatch"
	IDCertNameNotPermitted = "cert-name-not-permitted" // outside the CA's name constraints
	IDCertExpired          = "cert-expired"
	IDCertNotYetValid      = "cert-not-yet-valid"
	IDCertWeakKey          = "cert-weak-key"
	IDCertWeakSignature    = "cert-weak-signature"
	IDCertChainInvalid     = "cert-chain-invalid"
	IDCertOK               = "cert-ok"
)

// Live probes: WebSocket, PeerJS and CORS.
const (
	IDWSUpgradeRejected = "ws-upgrade-rejected"
	IDWSUpgradeFailed   = "ws-upgrade-failed"
	IDWSOriginRejected  = "ws-origin-rejected"
	IDWSOK              = "ws-ok"
	IDPeerJSIDFailed    = "peerjs-id-failed"
	IDPeerJSError       = "peerjs-error"
	IDPeerJSNoOpen      = "peerjs-no-open"
	IDPeerJSOK          = "peerjs-ok"
	IDCORSBlocked       = "cors-blocked"
	IDCORSFailed        = "cors-failed"
	IDCORSOK            = "cors-ok"
)

// Local checks: WSL and the Windows side (rtdev inside WSL, or rtdev on
// Windows given a project inside WSL).
const (
	IDWSLMode              = "wsl-networking"           // the networking mode and how Windows and a phone reach serve
	IDWSLInteropOff        = "wsl-interop-off"          // powershell.exe cannot be run or does not answer
	IDWSLCAMismatch        = "wsl-ca-mismatch"          // the Windows store holds another rtdev CA, not this one
	IDWSLWindowsFetchOK    = "wsl-windows-fetch-ok"     // Windows fetched serve's health page and trusted it
	IDWSLWindowsUntrusted  = "wsl-windows-untrusted"    // Windows reached serve but does not trust its certificate
	IDWSLWindowsUnreached  = "wsl-windows-unreachable"  // Windows cannot reach serve on localhost
	IDWSLWindowsFetchError = "wsl-windows-fetch-failed" // the Windows-side fetch failed otherwise
	IDWSLCARootOnWindows   = "wsl-caroot-windows-drive" // the CA folder is on a Windows drive (/mnt/c)
	IDWSLProjectInWSL      = "wsl-project-from-windows" // rtdev on Windows, project inside a WSL distribution
)

package wsl

// A Script is a fixed PowerShell program. Its data arrives as variables
// set before it on standard input (see Interop.Run); the text itself never
// changes, and TestScriptsGolden keeps it equal to testdata/NAME.ps1.
//
// Each body is wrapped in `& { ... }` followed by a blank line: with
// `-Command -` PowerShell reads standard input line by line, and a
// multi-line statement ends only at an empty line. Answers are ASCII lines
// starting with "RTDEV:"; a failure prints the innermost exception's
// HRESULT, which does not depend on the Windows display language, then its
// message.
type Script struct {
	Name string
	// Dialog: Windows may show a confirmation dialog and wait for the
	// user, so the call gets the longer timeout.
	Dialog bool
	Text   string
}

// failedLine is the catch block every script ends with.
const failedLine = `  } catch {
    $e = $_.Exception
    while ($e.InnerException) { $e = $e.InnerException }
    'RTDEV:failed 0x{0:X8} {1}' -f $e.HResult, $e.Message
  }
}

`

// RootStatus reports whether the current user's Root store holds the
// certificate with thumbprint $rtdevThumbprint, and the thumbprints of
// other rtdev CAs there (subject organization "rtdev development CA", an
// old or another machine's CA).
var RootStatus = Script{Name: "root-status", Text: `# rtdev-script: root-status
& {
  try {
    $all = @(Get-ChildItem -Path 'Cert:\CurrentUser\Root')
    if ($all | Where-Object { $_.Thumbprint -eq $rtdevThumbprint }) { 'RTDEV:present' } else { 'RTDEV:missing' }
    foreach ($c in $all) {
      if ($c.Subject -like '*O=rtdev development CA*' -and $c.Thumbprint -ne $rtdevThumbprint) { 'RTDEV:other ' + $c.Thumbprint }
    }
` + failedLine}

// RootInstall adds the certificate in $rtdevCert (base64 DER) to the
// current user's Root store unless a certificate with $rtdevThumbprint is
// already there. Windows shows its security warning for a user root and
// Add throws ERROR_CANCELLED (0x800704C7) when the user says no; the store
// is read again afterwards, since a declined dialog may also return
// without an error.
var RootInstall = Script{Name: "root-install", Dialog: true, Text: `# rtdev-script: root-install
& {
  try {
    if (Get-ChildItem -Path 'Cert:\CurrentUser\Root' | Where-Object { $_.Thumbprint -eq $rtdevThumbprint }) { 'RTDEV:present'; return }
    $cert = New-Object System.Security.Cryptography.X509Certificates.X509Certificate2 -ArgumentList (,[Convert]::FromBase64String($rtdevCert))
    if ($cert.Thumbprint -ne $rtdevThumbprint) { 'RTDEV:failed 0x00000000 the certificate received does not have the expected thumbprint'; return }
    $store = New-Object System.Security.Cryptography.X509Certificates.X509Store -ArgumentList 'Root', 'CurrentUser'
    $store.Open('ReadWrite')
    try { $store.Add($cert) } finally { $store.Close() }
    if (Get-ChildItem -Path 'Cert:\CurrentUser\Root' | Where-Object { $_.Thumbprint -eq $rtdevThumbprint }) { 'RTDEV:imported' } else { 'RTDEV:declined' }
` + failedLine}

// RootRemove removes exactly the certificate with $rtdevThumbprint from
// the current user's Root store.
var RootRemove = Script{Name: "root-remove", Dialog: true, Text: `# rtdev-script: root-remove
& {
  try {
    $found = @(Get-ChildItem -Path 'Cert:\CurrentUser\Root' | Where-Object { $_.Thumbprint -eq $rtdevThumbprint })
    if ($found.Count -eq 0) { 'RTDEV:missing'; return }
    $found | Remove-Item
    if (Get-ChildItem -Path 'Cert:\CurrentUser\Root' | Where-Object { $_.Thumbprint -eq $rtdevThumbprint }) { 'RTDEV:declined' } else { 'RTDEV:removed' }
` + failedLine}

// HealthFetch has Windows itself fetch https://localhost:$rtdevPort/rtdev/health,
// which succeeds only when Windows trusts the certificate served there.
// A WebException's Status (TrustFailure, ConnectFailure, ...) says why it
// failed in words that do not depend on the display language. Windows
// PowerShell draws a progress bar for every web request unless told not
// to, which slows the call and writes to the console.
var HealthFetch = Script{Name: "health-fetch", Text: `# rtdev-script: health-fetch
& {
  $ProgressPreference = 'SilentlyContinue'
  try { [Net.ServicePointManager]::SecurityProtocol = [Net.SecurityProtocolType]'Tls12, Tls13' } catch { [Net.ServicePointManager]::SecurityProtocol = [Net.SecurityProtocolType]::Tls12 }
  try {
    $r = Invoke-WebRequest -UseBasicParsing -TimeoutSec 10 -Uri ('https://localhost:' + $rtdevPort + '/rtdev/health')
    'RTDEV:fetched ' + $r.StatusCode
  } catch {
    $e = $_.Exception
    $status = 'Unknown'
    if ($e -is [System.Net.WebException]) { $status = [string]$e.Status }
    while ($e.InnerException) { $e = $e.InnerException }
    'RTDEV:unreachable ' + $status + ' ' + $e.Message
  }
}

`}

// WindowsLAN lists the IPv4 addresses of the Windows host's interfaces
// that carry a default route, lowest metric first: where a phone on the
// Wi-Fi reaches the Windows machine.
var WindowsLAN = Script{Name: "windows-lan", Text: `# rtdev-script: windows-lan
& {
  try {
    $routes = @(Get-NetRoute -AddressFamily IPv4 -DestinationPrefix '0.0.0.0/0' -ErrorAction Stop | Sort-Object -Property RouteMetric)
    foreach ($r in $routes) {
      foreach ($a in @(Get-NetIPAddress -AddressFamily IPv4 -InterfaceIndex $r.InterfaceIndex -ErrorAction SilentlyContinue)) {
        'RTDEV:addr ' + $a.IPAddress
      }
    }
    'RTDEV:done'
` + failedLine}

// UserProfile prints %USERPROFILE% (where .wslconfig lives) as base64 of
// its UTF-8 bytes: a user name may be any script, and the console code
// page would garble it.
var UserProfile = Script{Name: "user-profile", Text: `# rtdev-script: user-profile
& {
  try {
    'RTDEV:profile ' + [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes($env:USERPROFILE))
` + failedLine}

// Scripts lists every script, for the golden test.
var Scripts = []Script{RootStatus, RootInstall, RootRemove, HealthFetch, WindowsLAN, UserProfile}

// Package wsl is rtdev's one home for the Windows Subsystem for Linux:
// whether rtdev runs inside WSL (and which version), how it reaches Windows
// (powershell.exe and wslpath through interop), the PowerShell scripts it
// runs there, the networking mode, and the \\wsl.localhost\ paths Windows
// uses for files inside a distribution.
//
// Detection reads only an injected [Env] (variables, a root folder standing
// for "/", a PATH lookup), so tests describe a WSL machine with a fake
// /proc/sys/kernel/osrelease under a temporary root. Every PowerShell call
// goes through the injected run.Runner with a timeout: with interop turned
// off, powershell.exe may never answer, and rtdev says so instead of
// hanging.
//
// PowerShell gets a fixed script (a constant here, compared with a golden
// file in testdata) on standard input, preceded by its data as
// single-quoted variables whose values are checked to hold only letters,
// digits and base64 punctuation. Nothing variable is ever on a command line
// or spliced into the script text. The scripts answer in ASCII lines
// starting with "RTDEV:", since Windows output arrives in the console code
// page or UTF-16, with CRLF line ends.
//
// The package never prints and never exits.
package wsl

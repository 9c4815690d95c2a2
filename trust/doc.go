// Package trust installs, checks and removes rtdev's development CA in the
// trust stores that browsers and runtimes read: the operating system's store
// (Debian/Ubuntu, Fedora/RHEL, Arch, openSUSE, the macOS System keychain, the
// Windows current-user Root store), the NSS databases of Chromium and Firefox
// (with the one each Flatpak Chromium or Chrome opens: [FlatpakBrowsers]),
// the cacerts of every JDK found (JAVA_HOME, java on PATH, /usr/lib/jvm,
// macOS's java_home), each shared cacerts once, and, inside WSL, the Windows
// user's Root store through powershell.exe (the windows store), where
// Windows asks the user to confirm and a No is its own result (Declined).
//
// Every store is a [Store] that reports one [Result] per place it looked at
// (NSS has one per database), so a caller can print a table or JSON and tell
// the user exactly what happened: installed, already there, skipped and why,
// or failed with the command's output and the command to run by hand.
//
// Status is really checked, never inferred from what rtdev wrote: the distro
// bundle is searched for the CA's DER bytes, NSS is asked with `certutil -V`,
// Java is searched by fingerprint in `keytool -list`, and macOS and Windows
// use the platform verifier. Uninstall removes exactly what rtdev added (the
// anchor file named after the CA's fingerprint, the NSS nickname, the Java
// alias) and leaves every other certificate alone.
//
// External commands only run through the run.Runner in [Env] (the one
// runner of internal/run); tests inject its strict fake. Commands that need administrator rights go through sudo, which
// prompts only when [Env.CanPrompt] says a person is there; otherwise the
// result names the exact command to run instead.
//
// The package never prints and never exits. Errors are wrapped and
// lowercase; those that know their fix implement Hint() string.
package trust

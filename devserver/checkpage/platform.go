package checkpage

import "strings"

// platform is what the User-Agent says about the visitor, reduced to a
// fixed set of labels: the header is untrusted text, so nothing of it is
// ever shown or stored as is.
type platform struct {
	// Key picks the setup steps shown first: "ios", "android" or "desktop".
	Key string
	// Label names the platform to the other side of a pairing.
	Label string
	// NotSafari is an iOS browser other than Safari: only Safari installs
	// configuration profiles (mozilla-mobile/firefox-ios#7501).
	NotSafari bool
}

// platformOf classifies a User-Agent. iPadOS 13+ Safari reports a Mac; the
// phone page's script moves the iOS steps up when the Mac has a touch screen.
func platformOf(ua string) platform {
	has := func(s string) bool { return strings.Contains(ua, s) }
	switch {
	case has("iPhone"), has("iPod"), has("iPad"):
		label := "iPhone"
		if has("iPad") {
			label = "iPad"
		}
		// CriOS, FxiOS, EdgiOS, OPiOS: Chrome, Firefox, Edge, Opera on iOS.
		return platform{Key: "ios", Label: label, NotSafari: has("CriOS") || has("FxiOS") || has("EdgiOS") || has("OPiOS")}
	case has("Android"):
		return platform{Key: "android", Label: "Android"}
	case has("CrOS"):
		return platform{Key: "desktop", Label: "ChromeOS"}
	case has("Windows"):
		return platform{Key: "desktop", Label: "Windows"}
	case has("Macintosh"), has("Mac OS X"):
		return platform{Key: "desktop", Label: "macOS"}
	case has("Linux"), has("X11"):
		return platform{Key: "desktop", Label: "Linux"}
	}
	return platform{Key: "desktop", Label: "another device"}
}

// stepOrder lists the setup sections with the visitor's first.
func stepOrder(first string) []string {
	out := []string{first}
	for _, k := range []string{"ios", "android", "desktop"} {
		if k != first {
			out = append(out, k)
		}
	}
	return out
}

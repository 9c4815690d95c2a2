package templates

import "strings"

// PhoneHost is the LAN address a phone opens the setup page at, or a
// placeholder when the project has none (rtdev serve without --lan).
func (v view) PhoneHost() string {
	if v.LANAddress != "" {
		return v.LANAddress
	}
	return "LAN-ADDRESS"
}

// xmlComment is text as an XML comment; "--" may not appear inside one
// (XML 1.0 §2.5), so it is spaced apart.
func xmlComment(text string) string {
	for strings.Contains(text, "--") {
		text = strings.ReplaceAll(text, "--", "- -")
	}
	return "<!-- " + text + " -->"
}

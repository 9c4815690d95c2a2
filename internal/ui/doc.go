// Package ui holds the terminal plumbing shared by every command: the
// IOStreams a command writes to and the one Styles value built with lipgloss.
//
// Only this package imports lipgloss. Commands ask it for styles and never
// decide on their own whether colour is allowed: a terminal gets colour, a
// pipe or NO_COLOR gets plain text.
package ui

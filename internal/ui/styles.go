package ui

import (
	"io"
	"strings"
	"text/tabwriter"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/lipgloss/table"
	"github.com/muesli/termenv"
)

// Styles is the one set of lipgloss styles rtdev draws with. A plain Styles
// (NewStyles(nil, false)) renders every string unchanged, so callers never
// branch on colour themselves.
type Styles struct {
	Title lipgloss.Style
	OK    lipgloss.Style
	Warn  lipgloss.Style
	Error lipgloss.Style
	Hint  lipgloss.Style
	Muted lipgloss.Style
	Code  lipgloss.Style
	Key   lipgloss.Style
	// QR is explicit black on bright white, so a QR code drawn with it
	// reads the same on dark and light terminal themes.
	QR       lipgloss.Style
	color    bool
	renderer *lipgloss.Renderer
}

// NewStyles builds the styles for one writer. color decides between ANSI and
// plain text; the caller takes it from IOStreams.ColorOut or ColorErr.
func NewStyles(w io.Writer, color bool) Styles {
	r := lipgloss.NewRenderer(w)
	if color {
		r.SetColorProfile(termenv.ANSI256)
	} else {
		r.SetColorProfile(termenv.Ascii)
	}
	return Styles{
		Title:    r.NewStyle().Bold(true),
		OK:       r.NewStyle().Foreground(lipgloss.Color("2")),
		Warn:     r.NewStyle().Foreground(lipgloss.Color("3")),
		Error:    r.NewStyle().Foreground(lipgloss.Color("1")).Bold(true),
		Hint:     r.NewStyle().Foreground(lipgloss.Color("6")),
		Muted:    r.NewStyle().Foreground(lipgloss.Color("8")),
		Code:     r.NewStyle().Foreground(lipgloss.Color("5")),
		Key:      r.NewStyle().Bold(true),
		QR:       r.NewStyle().Foreground(lipgloss.Color("0")).Background(lipgloss.Color("15")),
		color:    color,
		renderer: r,
	}
}

// StylesErr returns the styles for ErrOut, where human status goes.
func (s *IOStreams) StylesErr() Styles { return NewStyles(s.ErrOut, s.ColorErr()) }

// StylesOut returns the styles for Out.
func (s *IOStreams) StylesOut() Styles { return NewStyles(s.Out, s.ColorOut()) }

// Color reports whether these styles emit ANSI sequences.
func (st Styles) Color() bool { return st.color }

// Mark returns the leading symbol for a status line of the given kind
// ("ok", "warn", "error", "info"), styled.
func (st Styles) Mark(kind string) string {
	switch kind {
	case "ok":
		return st.OK.Render("✓")
	case "warn":
		return st.Warn.Render("!")
	case "error":
		return st.Error.Render("✗")
	default:
		return st.Muted.Render("•")
	}
}

// Table renders rows under headers. On a colour terminal it draws a rounded
// lipgloss table; otherwise tab-aligned plain columns that scripts can cut.
func (st Styles) Table(headers []string, rows [][]string) string {
	if !st.color {
		var b strings.Builder
		tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
		_, _ = io.WriteString(tw, strings.Join(headers, "\t")+"\n")
		for _, r := range rows {
			_, _ = io.WriteString(tw, strings.Join(r, "\t")+"\n")
		}
		_ = tw.Flush()
		return b.String()
	}
	t := table.New().
		Border(lipgloss.RoundedBorder()).
		BorderStyle(st.Muted).
		Headers(headers...).
		Rows(rows...).
		StyleFunc(func(row, col int) lipgloss.Style {
			if row == table.HeaderRow {
				return st.Title.Padding(0, 1)
			}
			return st.renderer.NewStyle().Padding(0, 1)
		})
	return t.Render() + "\n"
}

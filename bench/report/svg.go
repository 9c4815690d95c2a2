package report

import (
	"fmt"
	"html"
	"math"
	"strings"
)

// panel is one bar group of the chart.
type panel struct {
	title string
	note  string // "higher is better" or "lower is better"
	value func(*ServerSummary) float64
}

var serverColors = map[string]string{nameRtdev: "#2b6cb0", namePeerJS: "#dd6b20", nameFloor: "#718096", nameCluster: "#63b3ed", nameStdJSON: "#9f7aea"}

// SVG draws the headline metrics as four bar groups, one per metric, each
// with its own scale; the numbers are printed on the bars, so the chart
// reads without axes.
func SVG(r *Results) string {
	s := summary(r)
	largest := 0
	for _, n := range connectSizes(s) {
		largest = max(largest, n)
	}
	at := func(ss *ServerSummary) *ConnectSummary { return ss.connectAt(largest) }
	panels := []panel{
		{"relay messages/s", "higher is better", func(ss *ServerSummary) float64 { return ss.RelayMsgPerSec.Median }},
		{"relay p99 latency (ms)", "lower is better", func(ss *ServerSummary) float64 { return ss.RelayP99Ms.Median }},
		{"RSS per idle conn (KiB), " + peersLabel(largest), "lower is better", func(ss *ServerSummary) float64 {
			if c := at(ss); c != nil {
				return c.RSSPerConn.Median
			}
			return 0
		}},
		{"connections/s, " + peersLabel(largest), "higher is better", func(ss *ServerSummary) float64 {
			if c := at(ss); c != nil {
				return c.ConnPerSec.Median
			}
			return 0
		}},
	}
	const (
		pw, ph   = 220, 230 // panel size
		barArea  = 150      // bar height at the panel maximum
		top      = 60       // chart title and legend
		baseline = top + 45 + barArea
	)
	width := len(panels)*pw + 20
	height := top + ph
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="12">`+"\n", width, height, width, height)
	fmt.Fprintf(&b, `<rect width="100%%" height="100%%" fill="#fff"/>`+"\n")
	fmt.Fprintf(&b, `<text x="10" y="22" font-size="15" font-weight="bold">rtdev serve vs peerjs-server vs floor (medians)</text>`+"\n")
	fmt.Fprintf(&b, `<text x="10" y="40" fill="#555">%s</text>`+"\n", html.EscapeString(svgCaption(r)))
	for i, p := range panels {
		x0 := 10 + i*pw
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-weight="bold">%s</text>`+"\n", x0, top+12, html.EscapeString(p.title))
		fmt.Fprintf(&b, `<text x="%d" y="%d" fill="#777" font-size="11">%s</text>`+"\n", x0, top+27, p.note)
		peak := 0.0
		for j := range s.Servers {
			peak = math.Max(peak, p.value(&s.Servers[j]))
		}
		bw := (pw - 40) / max(len(s.Servers), 1)
		for j := range s.Servers {
			ss := &s.Servers[j]
			v := p.value(ss)
			h := 0.0
			if peak > 0 {
				h = v / peak * barArea
			}
			x := x0 + j*bw
			color := serverColors[ss.Name]
			if color == "" {
				color = "#999"
			}
			fmt.Fprintf(&b, `<rect x="%d" y="%.1f" width="%d" height="%.1f" fill="%s"/>`+"\n", x, baseline-h, bw-8, h, color)
			label := "—"
			if v > 0 {
				label = num(v)
			}
			fmt.Fprintf(&b, `<text x="%d" y="%.1f" text-anchor="middle">%s</text>`+"\n", x+(bw-8)/2, baseline-h-4, label)
			fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle" font-size="10">%s</text>`+"\n", x+(bw-8)/2, baseline+14, html.EscapeString(ss.Name))
		}
		fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#333"/>`+"\n", x0, baseline, x0+pw-40, baseline)
	}
	b.WriteString("</svg>\n")
	return b.String()
}

// svgCaption is the machine in a line that fits the chart; the table has
// the rest.
func svgCaption(r *Results) string {
	return fmt.Sprintf("%s, %d cores; %s", r.Machine.CPU, r.Machine.Cores, r.Started.UTC().Format(timeLayout)) + pinning(r.Machine)
}

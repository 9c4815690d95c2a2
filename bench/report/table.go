package report

import (
	"fmt"
	"math"
	"slices"
	"strings"
)

// row is one line of the table.
type row struct {
	label string
	cell  func(*ServerSummary) (Stat, bool) // the stat, and whether the server has it
	text  func(*ServerSummary) string       // for rows that are not numbers
	ratio bool                              // show rtdev/other ratios
}

func rows(s *Summary) []row {
	rs := []row{
		{label: "relay: messages/s", ratio: true, cell: func(ss *ServerSummary) (Stat, bool) { return ss.RelayMsgPerSec, ss.RelayMsgPerSec.N > 0 }},
		{label: "relay: latency p50 (ms)", ratio: true, cell: func(ss *ServerSummary) (Stat, bool) { return ss.RelayP50Ms, ss.RelayP50Ms.N > 0 }},
		{label: "relay: latency p99 (ms)", ratio: true, cell: func(ss *ServerSummary) (Stat, bool) { return ss.RelayP99Ms, ss.RelayP99Ms.N > 0 }},
		{label: "relay: server CPU s / 100k msgs", ratio: true, cell: func(ss *ServerSummary) (Stat, bool) { return ss.RelayCPU100k, ss.RelayCPU100k.N > 0 }},
		{label: "relay: load generator CPU (cores)", cell: func(ss *ServerSummary) (Stat, bool) { return ss.RelayLoadgen, ss.RelayLoadgen.N > 0 }},
		{label: "relay: runs at the offered-load cap", text: func(ss *ServerSummary) string {
			if ss.RelayMsgPerSec.N == 0 {
				return "—"
			}
			return fmt.Sprintf("%d of %d", ss.RelayAtCap, ss.RelayMsgPerSec.N)
		}},
		{label: "relay: peers closed by the server", text: func(ss *ServerSummary) string {
			if ss.RelayMsgPerSec.N == 0 {
				return "—"
			}
			return fmt.Sprint(ss.RelayPeersLost)
		}},
	}
	for _, n := range connectSizes(s) {
		at := func(ss *ServerSummary) *ConnectSummary { return ss.connectAt(n) }
		num := func(label string, f func(*ConnectSummary) Stat) row {
			return row{label: fmt.Sprintf("connect %s: %s", peersLabel(n), label), ratio: true,
				cell: func(ss *ServerSummary) (Stat, bool) {
					if c := at(ss); c != nil {
						return f(c), true
					}
					return Stat{}, false
				}}
		}
		rs = append(rs,
			num("connections/s", func(c *ConnectSummary) Stat { return c.ConnPerSec }),
			num("s to all open", func(c *ConnectSummary) Stat { return c.Seconds }),
			num("server CPU ms / connection", func(c *ConnectSummary) Stat { return c.CPUPerConn }),
			num("server peak RSS (MiB)", func(c *ConnectSummary) Stat { return c.PeakRSSMiB }),
			num("RSS per idle conn (KiB)", func(c *ConnectSummary) Stat { return c.RSSPerConn }),
			row{label: fmt.Sprintf("connect %s: all open and held", peersLabel(n)), text: func(ss *ServerSummary) string {
				c := at(ss)
				switch {
				case c == nil:
					return "—"
				case c.AllHeld:
					return "yes"
				}
				return "NO"
			}},
		)
	}
	rs = append(rs, row{label: "churn: checks passed", text: func(ss *ServerSummary) string {
		if ss.ChurnRuns == 0 {
			return "—"
		}
		return fmt.Sprintf("%d of %d", ss.ChurnPassed, ss.ChurnRuns)
	}})
	return rs
}

func connectSizes(s *Summary) []int {
	var sizes []int
	for _, ss := range s.Servers {
		for _, c := range ss.Connect {
			if !slices.Contains(sizes, c.Peers) {
				sizes = append(sizes, c.Peers)
			}
		}
	}
	slices.Sort(sizes)
	return sizes
}

func peersLabel(n int) string {
	if n >= 1000 && n%1000 == 0 {
		return fmt.Sprintf("%dk", n/1000)
	}
	return fmt.Sprint(n)
}

// num formats a metric with three significant digits or so.
func num(v float64) string {
	a := math.Abs(v)
	switch {
	case math.IsNaN(v):
		return "—"
	case a >= 1e6:
		return fmt.Sprintf("%.2fM", v/1e6)
	case a >= 1e4:
		return fmt.Sprintf("%.1fk", v/1e3)
	case a >= 100:
		return fmt.Sprintf("%.0f", v)
	case a >= 10:
		return fmt.Sprintf("%.1f", v)
	case a >= 0.1:
		return fmt.Sprintf("%.2f", v)
	}
	return fmt.Sprintf("%.3f", v)
}

// grid is the table as strings: a header and one line per row.
func grid(s *Summary) [][]string {
	header := []string{"metric (median / p99 of runs)"}
	for _, ss := range s.Servers {
		header = append(header, ss.Name)
	}
	rt, pj, fl, cl, sj := s.Find(nameRtdev), s.Find(namePeerJS), s.Find(nameFloor), s.Find(nameCluster), s.Find(nameStdJSON)
	withPJ, withFloor, withCluster := rt != nil && pj != nil, rt != nil && fl != nil, rt != nil && cl != nil
	withStdJSON := rt != nil && sj != nil
	if withPJ {
		header = append(header, "rtdev/peerjs")
	}
	if withFloor {
		header = append(header, "rtdev/floor")
	}
	if withCluster {
		header = append(header, "cluster/rtdev")
	}
	if withStdJSON {
		header = append(header, "rtdev/stdjson")
	}
	out := [][]string{header}
	for _, r := range rows(s) {
		line := []string{r.label}
		for i := range s.Servers {
			line = append(line, r.render(&s.Servers[i]))
		}
		ratioCell := func(num, den *ServerSummary) string {
			if !r.ratio || r.cell == nil {
				return ""
			}
			a, okA := r.cell(num)
			b, okB := r.cell(den)
			if !okA || !okB {
				return "—"
			}
			return fmt.Sprintf("%.2f×", ratio(a.Median, b.Median))
		}
		if withPJ {
			line = append(line, ratioCell(rt, pj))
		}
		if withFloor {
			line = append(line, ratioCell(rt, fl))
		}
		if withCluster {
			line = append(line, ratioCell(cl, rt))
		}
		if withStdJSON {
			line = append(line, ratioCell(rt, sj))
		}
		out = append(out, line)
	}
	return out
}

func (r row) render(ss *ServerSummary) string {
	if r.text != nil {
		return r.text(ss)
	}
	st, ok := r.cell(ss)
	if !ok || st.N == 0 {
		return "—"
	}
	return num(st.Median) + " / " + num(st.P99)
}

// Text is the table for a terminal, with the goals under it.
func Text(r *Results) string {
	s := summary(r)
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n\n", machineLine(r))
	writeText(&b, grid(s))
	b.WriteString("\ngoals:\n")
	for _, gl := range s.Goals {
		fmt.Fprintf(&b, "  %-4s %-48s %-14s target %s\n", mark(gl), gl.Name, gl.Shown, gl.Target)
	}
	return b.String()
}

// Markdown is the table for the README.
func Markdown(r *Results) string {
	s := summary(r)
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n\n", machineLine(r))
	writeMarkdown(&b, grid(s))
	b.WriteString("\n| goal | target | measured | met |\n| --- | --- | --- | --- |\n")
	for _, gl := range s.Goals {
		fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", gl.Name, gl.Target, gl.Shown, mark(gl))
	}
	return b.String()
}

// writeText writes a grid (a header line, then rows) as aligned columns,
// the first left-aligned, the others right-aligned.
func writeText(b *strings.Builder, g [][]string) {
	widths := make([]int, len(g[0]))
	for _, line := range g {
		for i, c := range line {
			widths[i] = max(widths[i], len([]rune(c)))
		}
	}
	for li, line := range g {
		for i, c := range line {
			pad := widths[i] - len([]rune(c))
			if i == 0 {
				b.WriteString(c + strings.Repeat(" ", pad))
			} else {
				b.WriteString("  " + strings.Repeat(" ", pad) + c)
			}
		}
		b.WriteByte('\n')
		if li == 0 {
			b.WriteString(strings.Repeat("-", sum(widths)+2*(len(widths)-1)) + "\n")
		}
	}
}

// writeMarkdown writes a grid as a Markdown table, numbers right-aligned.
func writeMarkdown(b *strings.Builder, g [][]string) {
	for li, line := range g {
		b.WriteString("| " + strings.Join(line, " | ") + " |\n")
		if li == 0 {
			seps := make([]string, len(line))
			for i := range seps {
				seps[i] = "---:"
			}
			seps[0] = "---"
			b.WriteString("| " + strings.Join(seps, " | ") + " |\n")
		}
	}
}

func summary(r *Results) *Summary {
	if r.Summary == nil {
		r.Summary = Summarize(r)
	}
	return r.Summary
}

func mark(g Goal) string {
	switch {
	case g.Value < 0:
		return "n/a"
	case g.Met:
		return "yes"
	}
	return "NO"
}

func sum(xs []int) int {
	t := 0
	for _, x := range xs {
		t += x
	}
	return t
}

// machineLine says where and when the run happened.
func machineLine(r *Results) string {
	m := r.Machine
	s := fmt.Sprintf("%s, %d cores, %d MiB, Linux %s, %s; %s",
		m.CPU, m.Cores, m.MemoryMiB, m.Kernel, m.GoVersion, r.Started.UTC().Format(timeLayout)) + pinning(m)
	if len(r.LoadAvg) > 0 {
		s += "; load average (1/5/15 min) at start " + loadTriple(r.LoadAvg[0])
		if len(r.LoadAvg) > 1 {
			s += ", at end " + loadTriple(r.LoadAvg[len(r.LoadAvg)-1])
		}
	}
	var v []string
	for _, k := range []string{"rtdev", "npm peer", "npm ws", "node"} {
		if r.Versions[k] != "" {
			v = append(v, k+" "+r.Versions[k])
		}
	}
	if len(v) > 0 {
		s += "\n" + strings.Join(v, ", ")
	}
	return s
}

const timeLayout = "2006-01-02 15:04 UTC"

// pinning says which cores the servers and the load generator ran on, if
// they were pinned.
func pinning(m Machine) string {
	if len(m.ServerCPUs) == 0 {
		return ""
	}
	return fmt.Sprintf("; servers on cpu %s, load generator on cpu %s", ints(m.ServerCPUs), ints(m.LoadgenCPUs))
}

func ints(xs []int) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = fmt.Sprint(x)
	}
	return strings.Join(s, ",")
}

// loadTriple keeps the three load averages of a /proc/loadavg line.
func loadTriple(line string) string {
	f := strings.Fields(line)
	if len(f) < 3 {
		return line
	}
	return strings.Join(f[:3], " ")
}

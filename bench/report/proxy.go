package report

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/rtdev/rtdev/bench/loadgen"
)

// How the proxy-overhead benchmark reaches the echo backend.
const (
	ViaDirect  = "direct"  // ws:// and http:// straight to the backend
	ViaProxied = "proxied" // wss:// and https:// through rtdev proxy
)

// ProxyResults is one run of the proxy-overhead benchmark: every echo
// measurement, direct and proxied, interleaved in the same run.
type ProxyResults struct {
	Started         time.Time            `json:"started"`
	DurationSeconds float64              `json:"duration_s"`
	Machine         Machine              `json:"machine"`
	Versions        map[string]string    `json:"versions"`
	LoadAvg         []string             `json:"loadavg"`
	Plan            any                  `json:"plan"`
	Runs            []loadgen.EchoResult `json:"runs"`
	Failed          []string             `json:"failed,omitempty"` // measurements that could not be carried out
	Summary         *ProxySummary        `json:"summary,omitempty"`
}

// ProxySummary is the side-by-side view: each metric direct and proxied,
// and proxied/direct.
type ProxySummary struct {
	Rows []ProxyRow `json:"rows"`
}

// ProxyRow is one metric of one test.
type ProxyRow struct {
	Label   string  `json:"label"`
	Direct  Stat    `json:"direct"`
	Proxied Stat    `json:"proxied"`
	Ratio   float64 `json:"proxied_over_direct"` // of the medians; NaN (null in JSON) when one is missing
	Context bool    `json:"context,omitempty"`   // shown to read the others by, no ratio
}

// MarshalJSON writes a missing ratio as null: encoding/json refuses NaN.
func (r ProxyRow) MarshalJSON() ([]byte, error) {
	type plain ProxyRow
	var ratio *float64
	if !math.IsNaN(r.Ratio) {
		ratio = &r.Ratio
	}
	return json.Marshal(struct {
		plain
		Ratio *float64 `json:"proxied_over_direct"`
	}{plain(r), ratio})
}

// proxyMetric is one row of a test's block of the table.
type proxyMetric struct {
	label   string
	value   func(loadgen.EchoResult) float64
	noRatio bool // context for reading the other rows, not an overhead
}

func proxyMetrics(test string) []proxyMetric {
	cpu := func(per string) proxyMetric {
		return proxyMetric{"server CPU µs / " + per, func(x loadgen.EchoResult) float64 {
			return x.ServerCPUSeconds * 1e6 / float64(max(x.Operations, 1))
		}, false}
	}
	genCPU := proxyMetric{"load generator CPU (cores)", func(x loadgen.EchoResult) float64 {
		return x.LoadgenCPUSeconds / max(x.WindowSeconds, 1e-9)
	}, true}
	p50 := proxyMetric{"latency p50 (ms)", func(x loadgen.EchoResult) float64 { return x.LatencyP50Ms }, false}
	p99 := proxyMetric{"latency p99 (ms)", func(x loadgen.EchoResult) float64 { return x.LatencyP99Ms }, false}
	rate := func(what string) proxyMetric {
		return proxyMetric{what + "/s", func(x loadgen.EchoResult) float64 { return x.OpsPerSec }, false}
	}
	switch test {
	case loadgen.EchoStream:
		return []proxyMetric{rate("messages"),
			{"MiB/s", func(x loadgen.EchoResult) float64 { return x.MiBPerSec }, false},
			cpu("message"), genCPU}
	case loadgen.EchoHTTP:
		return []proxyMetric{rate("requests"), p50, p99, cpu("request"), genCPU}
	}
	return []proxyMetric{rate("round trips"), p50, p99, cpu("round trip"), genCPU}
}

// testLabel names a test by what it does, e.g. "ws ping-pong, 32 clients, 1 KiB".
func testLabel(c loadgen.EchoConfig) string {
	kind := "ws " + c.Test
	if c.Test == loadgen.EchoHTTP {
		kind = "http POST"
	}
	clients := fmt.Sprintf("%d clients", c.Clients)
	if c.Clients == 1 {
		clients = "1 client"
	}
	return fmt.Sprintf("%s, %s, %s", kind, clients, sizeLabel(c.MessageBytes))
}

func sizeLabel(n int) string {
	if n >= 1024 && n%1024 == 0 {
		return fmt.Sprintf("%d KiB", n/1024)
	}
	return fmt.Sprintf("%d B", n)
}

// SummarizeProxy computes the rows, tests in the order they first ran.
func SummarizeProxy(r *ProxyResults) *ProxySummary {
	var tests []loadgen.EchoConfig
	for _, x := range r.Runs {
		if !slices.Contains(tests, x.EchoConfig) {
			tests = append(tests, x.EchoConfig)
		}
	}
	s := &ProxySummary{}
	for _, tc := range tests {
		var direct, proxied []loadgen.EchoResult
		for _, x := range r.Runs {
			switch {
			case x.EchoConfig != tc:
			case x.Via == ViaDirect:
				direct = append(direct, x)
			case x.Via == ViaProxied:
				proxied = append(proxied, x)
			}
		}
		for _, m := range proxyMetrics(tc.Test) {
			row := ProxyRow{Label: testLabel(tc) + ": " + m.label, Direct: statBy(direct, m.value), Proxied: statBy(proxied, m.value),
				Ratio: math.NaN(), Context: m.noRatio}
			if !m.noRatio {
				row.Ratio = ratio(row.Proxied.Median, row.Direct.Median)
			}
			s.Rows = append(s.Rows, row)
		}
	}
	return s
}

func proxySummary(r *ProxyResults) *ProxySummary {
	if r.Summary == nil {
		r.Summary = SummarizeProxy(r)
	}
	return r.Summary
}

func proxyGrid(r *ProxyResults) [][]string {
	runs := 0
	for _, x := range r.Runs {
		if x.Via == ViaDirect && x.EchoConfig == r.Runs[0].EchoConfig {
			runs++
		}
	}
	plural := "s"
	if runs == 1 {
		plural = ""
	}
	g := [][]string{{fmt.Sprintf("metric (median / p99 of %d run%s)", runs, plural), "direct (ws://, http://)", "rtdev proxy (wss://, https://)", "proxied/direct"}}
	cell := func(st Stat) string {
		if st.N == 0 {
			return "—"
		}
		return num(st.Median) + " / " + num(st.P99)
	}
	for _, row := range proxySummary(r).Rows {
		ratio := "—"
		switch {
		case row.Context:
			ratio = ""
		case !math.IsNaN(row.Ratio):
			ratio = fmt.Sprintf("%.2f×", row.Ratio)
		}
		g = append(g, []string{row.Label, cell(row.Direct), cell(row.Proxied), ratio})
	}
	return g
}

// proxyNote says what the two columns compare, under the table.
func proxyNote(r *ProxyResults) string {
	where := "the echo backend and rtdev proxy on the same cores as the load generator"
	if m := r.Machine; len(m.ServerCPUs) > 0 {
		where = fmt.Sprintf("the echo backend and rtdev proxy share cpu %s, the load generator runs on cpu %s", ints(m.ServerCPUs), ints(m.LoadgenCPUs))
	}
	var b strings.Builder
	b.WriteString("Direct is plain TCP to the echo backend (bench/echo, gorilla/websocket); proxied is TLS to `rtdev proxy --to` in front of the same backend, ")
	b.WriteString("so the ratio includes TLS as well as the proxy's second hop: that is what a user pays for putting rtdev proxy in front of a plain dev server. ")
	fmt.Fprintf(&b, "Both paths ran interleaved in one run against one backend and one proxy process; %s. ", where)
	b.WriteString("Server CPU is the backend's and the proxy's together. When a path keeps the load generator's core busy (about 1.0 core), that path's rate is the generator's limit, not the server's.\n")
	for _, f := range r.Failed {
		fmt.Fprintf(&b, "\nFAILED: %s\n", f)
	}
	return b.String()
}

// header is the machine line of the main table, for the proxy run.
func (r *ProxyResults) header() string {
	return machineLine(&Results{Started: r.Started, Machine: r.Machine, Versions: r.Versions, LoadAvg: r.LoadAvg})
}

// ProxyText is the proxy table for a terminal.
func ProxyText(r *ProxyResults) string {
	return proxyTable(r, "rtdev proxy overhead\n", writeText)
}

// ProxyMarkdown is the proxy table for the README.
func ProxyMarkdown(r *ProxyResults) string {
	return proxyTable(r, "", writeMarkdown)
}

func proxyTable(r *ProxyResults, title string, write func(*strings.Builder, [][]string)) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s%s\n\n", title, r.header())
	write(&b, proxyGrid(r))
	b.WriteString("\n" + proxyNote(r))
	return b.String()
}

// WriteProxy stores proxy.json, proxy.txt and proxy.md in dir, beside the
// main suite's files, which it leaves alone.
func WriteProxy(dir string, r *ProxyResults) error {
	proxySummary(r)
	return writeFiles(dir, "proxy.json", r, []file{{"proxy.txt", ProxyText(r)}, {"proxy.md", ProxyMarkdown(r)}})
}

// ReadProxy loads a proxy.json.
func ReadProxy(path string) (*ProxyResults, error) {
	var r ProxyResults
	if err := readJSON(path, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

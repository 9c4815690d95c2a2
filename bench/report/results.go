package report

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/rtdev/rtdev/bench/loadgen"
	"github.com/rtdev/rtdev/internal/fsutil"
)

// Results is everything one benchmark run measured.
type Results struct {
	Started         time.Time         `json:"started"`
	DurationSeconds float64           `json:"duration_s"`
	Machine         Machine           `json:"machine"`
	Versions        map[string]string `json:"versions"`
	LoadAvg         []string          `json:"loadavg"` // /proc/loadavg at the start and the end: other work on the machine
	Plan            any               `json:"plan"`
	Servers         []ServerResults   `json:"servers"`
	Summary         *Summary          `json:"summary,omitempty"` // filled by Summarize
}

// Machine is where the run happened.
type Machine struct {
	CPU         string `json:"cpu"`
	Cores       int    `json:"cores"`
	MemoryMiB   int64  `json:"memory_mib"`
	Kernel      string `json:"kernel"`
	GoVersion   string `json:"go"`
	ServerCPUs  []int  `json:"server_cpus,omitempty"`
	LoadgenCPUs []int  `json:"loadgen_cpus,omitempty"`
	FDLimit     uint64 `json:"fd_limit"`
}

// ServerResults is every run against one server.
type ServerResults struct {
	Name    string                `json:"name"`
	Relay   []loadgen.RelayResult `json:"relay,omitempty"`
	Connect []ConnectLevel        `json:"connect,omitempty"`
	Churn   []loadgen.ChurnResult `json:"churn,omitempty"`
	Stats   []map[string]any      `json:"server_stats,omitempty"` // rtdev's own counters after each run
	Failed  []string              `json:"failed,omitempty"`       // runs that could not be carried out
}

// ConnectLevel is the connect runs at one size.
type ConnectLevel struct {
	Peers int                     `json:"peers"`
	Runs  []loadgen.ConnectResult `json:"runs"`
}

// Server returns the results for name, adding an entry if there is none.
func (r *Results) Server(name string) *ServerResults {
	for i := range r.Servers {
		if r.Servers[i].Name == name {
			return &r.Servers[i]
		}
	}
	r.Servers = append(r.Servers, ServerResults{Name: name})
	return &r.Servers[len(r.Servers)-1]
}

// AddConnect files a connect run under its size.
func (s *ServerResults) AddConnect(c loadgen.ConnectResult) {
	for i := range s.Connect {
		if s.Connect[i].Peers == c.Peers {
			s.Connect[i].Runs = append(s.Connect[i].Runs, c)
			return
		}
	}
	s.Connect = append(s.Connect, ConnectLevel{Peers: c.Peers, Runs: []loadgen.ConnectResult{c}})
}

// Write stores results.json, table.txt, table.md and chart.svg in dir.
func Write(dir string, r *Results) error {
	summary(r)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("write results: %w", err)
	}
	js, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return fmt.Errorf("write results: %w", err)
	}
	files := []struct {
		name string
		data []byte
	}{
		{"results.json", append(js, '\n')},
		{"table.txt", []byte(Text(r))},
		{"table.md", []byte(Markdown(r))},
		{"chart.svg", []byte(SVG(r))},
	}
	for _, f := range files {
		if err := fsutil.WriteFileAtomic(filepath.Join(dir, f.name), f.data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// Read loads a results.json.
func Read(path string) (*Results, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read results: %w", err)
	}
	var r Results
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("read results %s: %w", path, err)
	}
	return &r, nil
}

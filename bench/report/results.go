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
	return writeFiles(dir, "results.json", r, []file{
		{"table.txt", Text(r)},
		{"table.md", Markdown(r)},
		{"chart.svg", SVG(r)},
	})
}

// Read loads a results.json.
func Read(path string) (*Results, error) {
	var r Results
	if err := readJSON(path, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// file is one rendering of the results.
type file struct{ name, data string }

// writeFiles stores v as indented JSON in dir/jsonName, and the renderings
// beside it.
func writeFiles(dir, jsonName string, v any, files []file) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("write %s: %w", jsonName, err)
	}
	js, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("write %s: %w", jsonName, err)
	}
	files = append([]file{{jsonName, string(js) + "\n"}}, files...)
	for _, f := range files {
		if err := fsutil.WriteFileAtomic(filepath.Join(dir, f.name), []byte(f.data), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// readJSON loads the JSON file at path into v.
func readJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("read results: %w", err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("read results %s: %w", path, err)
	}
	return nil
}

package main

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/rtdev/rtdev/internal/testtool"
)

// The libraries below the CLI link only what they use: reading rtdev.toml
// or rendering a snippet must not build in the signaling server, its Redis
// client or a WebSocket library, and doctor and the proxy (which frame
// WebSocket messages themselves) must not build in the signaling server or
// Redis. An import added for one helper brings all of them back, so the
// rule is checked on the packages' real dependencies.
func TestLibrariesLinkOnlyWhatTheyUse(t *testing.T) {
	const (
		redis     = "github.com/redis/go-redis/"
		gorilla   = "github.com/gorilla/websocket"
		devserver = "github.com/rtdev/rtdev/devserver"
		// The compose loader (and its YAML, JSON-schema and logging
		// libraries) is for the compose package alone.
		composeGo = "github.com/compose-spec/compose-go/"
	)
	goTool := testtool.Need(t, "go")
	for pkg, banned := range map[string][]string{
		"./project":   {redis, gorilla, devserver, composeGo},
		"./templates": {redis, gorilla, devserver, composeGo},
		"./doctor":    {redis, devserver, composeGo},
		"./proxy":     {redis, devserver, composeGo},
		"./compose":   {redis, gorilla, devserver},
	} {
		out, err := exec.Command(goTool, "list", "-deps", pkg).Output()
		if err != nil {
			t.Fatalf("go list -deps %s: %v", pkg, err)
		}
		for _, dep := range strings.Fields(string(out)) {
			for _, b := range banned {
				if dep == b || strings.HasPrefix(dep, strings.TrimSuffix(b, "/")+"/") {
					t.Errorf("%s links %s", pkg, dep)
				}
			}
		}
	}
}

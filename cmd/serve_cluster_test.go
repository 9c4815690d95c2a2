package cmd

import (
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/rtdev/rtdev/project"
)

// REDIS_PASSWORD goes with a URL the developer typed (--cluster,
// RTDEV_CLUSTER) and never with serve.cluster from the committed rtdev.toml,
// whichever of them names the broker.
func TestClusterPasswordOnlyForTypedURL(t *testing.T) {
	const (
		typed = "redis://127.0.0.1:6380/0"
		file  = "redis://127.0.0.1:6379/0"
	)
	for _, tc := range []struct {
		name, flag, env, file string
		src                   project.Source
		wantURL, wantPW       string
	}{
		{name: "flag", flag: typed, file: file, src: project.FromCommitted, wantURL: typed, wantPW: "s3cretPW"},
		{name: "environment", env: typed, file: file, src: project.FromCommitted, wantURL: typed, wantPW: "s3cretPW"},
		{name: "rtdev.toml", file: file, src: project.FromCommitted, wantURL: file},
		{name: "tracked rtdev.local.toml", file: file, src: project.FromCommitted, wantURL: file},
		{name: "own rtdev.local.toml", file: file, src: project.FromLocal, wantURL: file, wantPW: "s3cretPW"},
		{name: "none", src: project.FromDefault},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := &serveOptions{}
			c := &cobra.Command{}
			clusterFlags(c, o)
			if tc.flag != "" {
				if err := c.Flags().Set("cluster", tc.flag); err != nil {
					t.Fatal(err)
				}
			}
			env := map[string]string{"REDIS_PASSWORD": "s3cretPW", "RTDEV_CLUSTER": tc.env}
			if err := resolveCluster(c, o, project.Serve{Cluster: tc.file}, tc.src, func(k string) string { return env[k] }); err != nil {
				t.Fatal(err)
			}
			if o.cluster != tc.wantURL || o.clusterPassword != tc.wantPW {
				t.Errorf("cluster %q with password %q, want %q with %q", o.cluster, o.clusterPassword, tc.wantURL, tc.wantPW)
			}
		})
	}
}

// The hint starts Redis on this machine only for a loopback URL, on the
// URL's own port.
func TestRedisStartHint(t *testing.T) {
	for url, want := range map[string]string{
		"redis://127.0.0.1:6390/0":        "here: redis-server --port 6390 ",
		"redis://localhost/0":             "here: redis-server --port 6379 ",
		"redis://:xxxxx@[::1]:7000/2":     "here: redis-server --port 7000 ",
		"redis://redis.internal:6380/0":   "",
		"rediss://cache.example.com:6380": "",
	} {
		got := redisStartHint(url)
		if !strings.Contains(got, "start Redis 7 or newer at "+url) {
			t.Errorf("%s: %q does not name the URL", url, got)
		}
		if want == "" && strings.Contains(got, "redis-server --port") || want != "" && !strings.Contains(got, want) {
			t.Errorf("%s: %q, want %q", url, got, want)
		}
	}
}

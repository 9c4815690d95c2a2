package cmd

import (
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

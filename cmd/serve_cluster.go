package cmd

import (
	"errors"
	"fmt"
	"net/url"

	"github.com/spf13/cobra"

	"github.com/rtdev/rtdev/devserver"
	"github.com/rtdev/rtdev/internal/netaddr"
	"github.com/rtdev/rtdev/project"
)

// clusterFlags adds --cluster and --cluster-claim-ttl to serve.
func clusterFlags(c *cobra.Command, o *serveOptions) {
	f := c.Flags()
	f.StringVar(&o.cluster, "cluster", "", "run as one instance of a realm shared through Redis 7+ at `URL` (redis://HOST:PORT/DB or rediss://; RTDEV_CLUSTER; password in the URL or REDIS_PASSWORD)")
	f.Var(msDuration{&o.clusterClaimTTL}, "cluster-claim-ttl", fmt.Sprintf("how long an instance's claim on an id lasts in Redis unless renewed (%v; renewed every third)", devserver.DefaultClusterClaimTTL))
}

// resolveCluster picks the broker: --cluster, else RTDEV_CLUSTER, else
// serve.cluster from the settings (src says which file; the committed-file
// rule already left out a committed URL off this machine or with a
// password or query options). REDIS_PASSWORD goes only to a URL the
// developer gave (flag, environment, their own rtdev.local.toml): a
// committed file must not be able to send it somewhere.
func resolveCluster(cmd *cobra.Command, o *serveOptions, s project.Serve, src project.Source, getenv func(string) string) error {
	switch {
	case cmd.Flags().Changed("cluster"):
		useCluster(o, o.cluster, true, getenv)
	case getenv("RTDEV_CLUSTER") != "":
		useCluster(o, getenv("RTDEV_CLUSTER"), true, getenv)
	case s.Cluster != "":
		if _, err := devserver.ClusterHost(s.Cluster); err != nil {
			return usageErr(fmt.Sprintf("use cluster = \"redis://127.0.0.1:6379/0\" in %s", src), "serve.cluster in %s: %v", src, err)
		}
		useCluster(o, s.Cluster, src.Typed(), getenv)
	}
	return nil
}

// useCluster sets the broker's URL, and REDIS_PASSWORD as its password
// only if typed: the developer typed the URL (a flag or the environment).
// A URL from a committed file names a server someone else chose, and a
// loopback port can be a tunnel or a container's published port that
// leads anywhere, so the password is not sent there.
func useCluster(o *serveOptions, url string, typed bool, getenv func(string) string) {
	o.cluster, o.clusterPassword = url, ""
	if typed {
		o.clusterPassword = getenv("REDIS_PASSWORD")
	}
}

// clusterStartError gives a broker that cannot be reached at start the
// command that starts one.
// It returns nil for any other error.
func clusterStartError(err error) error {
	var ce *devserver.ClusterError
	if !errors.As(err, &ce) {
		return nil
	}
	return withHint(err, redisStartHint(ce.URL))
}

// redisStartHint says how to start the Redis a cluster URL names: on this
// machine, redis-server on the URL's own port (6379 when it names none),
// as a command that works as printed.
func redisStartHint(shown string) string {
	hint := fmt.Sprintf("start Redis 7 or newer at %s", shown)
	u, err := url.Parse(shown)
	if err == nil && netaddr.Loopback(u.Hostname()) {
		port := u.Port()
		if port == "" {
			port = "6379"
		}
		hint += fmt.Sprintf(" (here: redis-server --port %s --save '' --appendonly no; Debian's package is redis-server)", port)
	}
	return hint + ", or run without --cluster"
}

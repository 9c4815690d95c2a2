package harness

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/rtdev/rtdev/internal/redisproc"
)

// ClusterInstances is how many rtdev serve processes the rtdev-cluster kind
// runs: two, so that with peers split between them every message crosses.
const ClusterInstances = 2

// Cluster is the rtdev-cluster kind running: its instances and the
// redis-server they share, all on the server cores, so the cluster gets
// the same cores as one rtdev serve.
type Cluster struct {
	Instances []*Server
	redis     *redisproc.Proc
}

// Addrs are the instances' addresses.
func (c *Cluster) Addrs() []string {
	out := make([]string, len(c.Instances))
	for i, s := range c.Instances {
		out[i] = s.Addr
	}
	return out
}

// Usage is the sum over the instances and Redis: the cluster's cost.
func (c *Cluster) Usage() (Usage, error) {
	pids := []int{c.redis.Pid()}
	for _, s := range c.Instances {
		pids = append(pids, s.Pid())
	}
	var sum Usage
	for _, pid := range pids {
		u, err := ReadUsage(pid)
		if err != nil {
			return Usage{}, err
		}
		sum.CPU += u.CPU
		sum.RSS += u.RSS
		sum.PeakRSS += u.PeakRSS
	}
	return sum, nil
}

// Stop stops the instances, then Redis.
func (c *Cluster) Stop(grace time.Duration) error {
	var errs []error
	for _, s := range c.Instances {
		errs = append(errs, s.Stop(grace))
	}
	c.redis.Stop()
	return errors.Join(errs...)
}

// StartCluster starts a redis-server on a loopback port (no persistence, in
// the scratch folder) and ClusterInstances rtdev serve --cluster processes
// on it.
func (e *Env) StartCluster(ctx context.Context, seq int) (*Cluster, error) {
	bin := e.RedisBin
	if bin == "" {
		p, err := exec.LookPath("redis-server")
		if err != nil {
			return nil, &MissingError{What: "redis-server (for rtdev-cluster)", Err: err, Fix: "scripts/test-deps.sh"}
		}
		bin = p
	}
	dir := filepath.Join(e.Dir, "logs", fmt.Sprintf("redis-%03d", seq))
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("start redis-server: %w", err)
	}
	rp, err := redisproc.New(bin, dir)
	if err != nil {
		return nil, err
	}
	rp.Wrap = e.pin()
	if err := rp.Restart(); err != nil {
		return nil, err
	}
	c := &Cluster{redis: rp}
	for i := range ClusterInstances {
		s, err := e.start(ctx, Rtdev, fmt.Sprintf("%s-%03d-%d", RtdevCluster, seq, i+1), seq, "--cluster", rp.URL())
		if err != nil {
			_ = c.Stop(2 * time.Second)
			return nil, err
		}
		s.Kind = RtdevCluster
		c.Instances = append(c.Instances, s)
	}
	return c, nil
}

package loadgen

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"
)

// ConnectConfig is the connect scenario: ramp to Peers concurrent peers
// (each a TCP connect, a full TLS handshake, the upgrade and the wait for
// OPEN), Concurrency at a time, then hold them idle.
type ConnectConfig struct {
	Peers       int
	Concurrency int           // dials in flight during the ramp
	Hold        time.Duration // idle, all open, before memory is read
	FetchIDs    bool          // take ids from GET /id first (not timed)
}

// ConnectResult is one connect run.
type ConnectResult struct {
	Peers             int      `json:"peers"`
	Opened            int      `json:"opened"`
	Seconds           float64  `json:"seconds_to_all_open"` // first dial to last OPEN
	ConnPerSec        float64  `json:"connections_per_s"`
	BaseRSS           int64    `json:"server_base_rss_bytes"` // before the ramp
	OpenRSS           int64    `json:"server_open_rss_bytes"` // after Hold, all open
	PeakRSS           int64    `json:"server_peak_rss_bytes"` // VmHWM
	RSSPerConn        float64  `json:"rss_per_idle_conn_bytes"`
	ServerCPUSeconds  float64  `json:"server_cpu_s"` // during the ramp
	LoadgenCPUSeconds float64  `json:"loadgen_cpu_s"`
	Held              int      `json:"held"` // still open after Hold
	ErrorCount        int      `json:"error_count"`
	Errors            []string `json:"errors,omitempty"`
}

// Connect runs the connect scenario once.
func Connect(ctx context.Context, t Target, cfg ConnectConfig) (ConnectResult, error) {
	if cfg.Peers < 1 {
		return ConnectResult{}, errors.New("connect: need at least 1 peer")
	}
	ids, err := peerIDs(ctx, t, "conn", cfg.Peers, cfg.FetchIDs)
	if err != nil {
		return ConnectResult{}, fmt.Errorf("connect: %w", err)
	}
	var errs errorList
	var closing atomic.Bool
	var dropped atomic.Int64
	opts := DialOptions{OnClose: func(p *Peer, err error) {
		if !closing.Load() {
			dropped.Add(1)
			errs.add(fmt.Errorf("server ended %s's connection: %w", p.ID, errOrEOF(err)))
		}
	}}
	u0, err := meterSample(t.Meter)
	if err != nil {
		return ConnectResult{}, fmt.Errorf("connect: %w", err)
	}
	self0, t0 := selfCPU(), time.Now()
	peers := dialAll(ctx, t, ids, cfg.Concurrency, opts, &errs)
	ramp := time.Since(t0)
	self1 := selfCPU()
	u1, err := meterSample(t.Meter)
	defer func() {
		closing.Store(true)
		closeAll(peers, true, 256)
	}()
	if err != nil {
		return ConnectResult{}, fmt.Errorf("connect: %w", err)
	}
	if !sleepCtx(ctx, cfg.Hold) {
		return ConnectResult{}, ctx.Err()
	}
	u2, err := meterSample(t.Meter)
	if err != nil {
		return ConnectResult{}, fmt.Errorf("connect: %w", err)
	}
	res := ConnectResult{
		Peers:             cfg.Peers,
		Opened:            countOpen(peers),
		Seconds:           ramp.Seconds(),
		BaseRSS:           u0.RSS,
		OpenRSS:           u2.RSS,
		PeakRSS:           u2.PeakRSS,
		ServerCPUSeconds:  (u1.CPU - u0.CPU).Seconds(),
		LoadgenCPUSeconds: (self1 - self0).Seconds(),
	}
	res.Held = res.Opened - int(dropped.Load())
	if res.Opened > 0 {
		res.ConnPerSec = float64(res.Opened) / ramp.Seconds()
		res.RSSPerConn = float64(res.OpenRSS-res.BaseRSS) / float64(res.Opened)
	}
	res.ErrorCount, res.Errors = errs.snapshot()
	return res, nil
}

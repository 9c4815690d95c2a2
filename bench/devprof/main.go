package main

import (
	"crypto/tls"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"runtime"
	"runtime/pprof"
	"time"

	"github.com/rtdev/rtdev/bench/internal/tlsflags"
	"github.com/rtdev/rtdev/devserver"
)

func main() {
	f := tlsflags.Register(flag.CommandLine)
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile here")
	memProfile := flag.String("memprofile", "", "write a heap profile here")
	memPeers := flag.Int("memprofile-peers", 0, "write the heap profile when this many peers are connected (0: at exit)")
	flag.Parse()
	if err := run(f, *cpuProfile, *memProfile, *memPeers); err != nil {
		fmt.Fprintln(os.Stderr, "devprof:", err)
		os.Exit(1)
	}
}

func run(f *tlsflags.Flags, cpuProfile, memProfile string, memPeers int) error {
	ln, cert, err := f.Listen()
	if err != nil {
		return err
	}
	// The settings the harness gives `rtdev serve`.
	srv, err := devserver.New(devserver.Config{
		ConcurrentLimit: 20000,
		AliveTimeout:    120 * time.Second,
		Logger:          slog.New(slog.NewTextHandler(os.Stderr, nil)),
	})
	if err != nil {
		return err
	}
	if cpuProfile != "" {
		out, err := os.Create(cpuProfile)
		if err != nil {
			return fmt.Errorf("cpu profile: %w", err)
		}
		defer out.Close()
		if err := pprof.StartCPUProfile(out); err != nil {
			return fmt.Errorf("cpu profile: %w", err)
		}
		defer pprof.StopCPUProfile()
	}
	ctx, stop := tlsflags.SignalContext()
	defer stop()
	if memProfile != "" && memPeers > 0 {
		go func() {
			t := time.NewTicker(100 * time.Millisecond)
			defer t.Stop()
			for range t.C {
				if srv.Stats().Peers >= memPeers {
					if err := writeHeap(memProfile); err != nil {
						fmt.Fprintln(os.Stderr, "devprof:", err)
					}
					return
				}
			}
		}()
	}
	err = srv.Serve(ctx, ln, &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}, nil)
	if memProfile != "" && memPeers == 0 {
		if herr := writeHeap(memProfile); herr != nil && err == nil {
			err = herr
		}
	}
	return err
}

func writeHeap(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("heap profile: %w", err)
	}
	defer f.Close()
	runtime.GC()
	if err := pprof.WriteHeapProfile(f); err != nil {
		return fmt.Errorf("heap profile: %w", err)
	}
	return nil
}

package redisproc

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Proc is one redis-server process.
type Proc struct {
	Bin  string   // the redis-server binary
	Dir  string   // its working folder
	Port int      // on 127.0.0.1
	Args []string // extra arguments, such as "--requirepass", "secret"
	Wrap []string // a command that runs redis-server, such as taskset -c 1
	cmd  *exec.Cmd
	done chan struct{}
}

// Start runs redis-server from bin in dir on a free loopback port and waits
// until it accepts connections.
func Start(bin, dir string, args ...string) (*Proc, error) {
	p, err := New(bin, dir, args...)
	if err != nil {
		return nil, err
	}
	return p, p.Restart()
}

// New picks a free port for a server that Restart starts.
func New(bin, dir string, args ...string) (*Proc, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	return &Proc{Bin: bin, Dir: dir, Port: port, Args: args}, nil
}

// Pid is the running server's process id (a Wrap command that execs, as
// taskset does, keeps it).
func (p *Proc) Pid() int { return p.cmd.Process.Pid }

// Addr is HOST:PORT.
func (p *Proc) Addr() string { return net.JoinHostPort("127.0.0.1", strconv.Itoa(p.Port)) }

// URL is redis://127.0.0.1:PORT/0.
func (p *Proc) URL() string { return "redis://" + p.Addr() + "/0" }

// Restart starts the server again on the same port after Stop (or for the
// first time).
func (p *Proc) Restart() error {
	args := append([]string{
		"--bind", "127.0.0.1", "--port", strconv.Itoa(p.Port),
		"--save", "", "--appendonly", "no", "--dir", p.Dir,
		"--daemonize", "no", "--loglevel", "warning", "--logfile", "",
	}, p.Args...)
	name := p.Bin
	if len(p.Wrap) > 0 {
		name, args = p.Wrap[0], append(append(slices.Clone(p.Wrap[1:]), p.Bin), args...)
	}
	cmd := exec.Command(name, args...)
	cmd.Dir = p.Dir
	out, err := os.Create(p.Dir + "/redis.log")
	if err != nil {
		return err
	}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		out.Close()
		return fmt.Errorf("start redis-server: %w", err)
	}
	p.cmd, p.done = cmd, make(chan struct{})
	go func() { _ = cmd.Wait(); out.Close(); close(p.done) }()
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", p.Addr(), time.Second)
		if err == nil {
			c.Close()
			return nil
		}
		select {
		case <-p.done:
			log, _ := os.ReadFile(p.Dir + "/redis.log")
			return fmt.Errorf("redis-server exited at start: %s", strings.TrimSpace(string(log)))
		default:
		}
		if time.Now().After(deadline) {
			p.Stop()
			return errors.New("redis-server did not accept connections within 10s")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Stop ends the server (SIGTERM, then SIGKILL after 5 s) and waits for it.
func (p *Proc) Stop() {
	if p.cmd == nil {
		return
	}
	_ = p.cmd.Process.Signal(os.Interrupt)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	select {
	case <-p.done:
	case <-ctx.Done():
		_ = p.cmd.Process.Kill()
		<-p.done
	}
	p.cmd = nil
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

package cmd

import (
	"context"
	"errors"
	"fmt"
	"github.com/rtdev/rtdev/internal/netaddr"
	"log/slog"
	"net"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/spf13/cobra"

	"github.com/rtdev/rtdev/internal/target"
	"github.com/rtdev/rtdev/internal/tlsserve"
	"github.com/rtdev/rtdev/internal/ui"
	"github.com/rtdev/rtdev/project"
	"github.com/rtdev/rtdev/proxy"
)

type proxyOptions struct {
	to         string
	port       int
	bind       string
	lan        bool
	containers bool
	keepHost   bool
	logFormat  string
	maxMessage int64
}

func newCmdProxy(a *app) *cobra.Command {
	o := &proxyOptions{}
	c := &cobra.Command{
		Use:   "proxy",
		Short: "Put HTTPS and WSS with the project cert in front of a plain dev server",
		Long: `Run a TLS-terminating reverse proxy on the project certificate in front of a
server that speaks only http:// and ws://, so a page on https:// can reach it
without changing the server. HTTP requests and WebSockets both pass: the
backend sees X-Forwarded-For, X-Forwarded-Proto: https, X-Forwarded-Host and
the page's own Origin; streams (SSE, chunked) are not buffered.

--to takes a port (8000), host:port or an http:// or ws:// URL. Without --to,
the [[proxy]] tables of rtdev.toml are served (port, to, path), several at
once; targets there must be this machine, so a cloned repo cannot point a
--lan proxy at another host. The proxy listens on --port (8443, or the next
free port when 8443 is taken), on 127.0.0.1 and ::1 unless --lan or --bind.

Like rtdev serve it creates the certificate set when missing, renews it when
due and reloads it without a restart. Ctrl-C lets open requests finish,
closes WebSockets with 1001 and exits 0.`,
		Example: `  rtdev proxy --to 8000                 # https://localhost:8443 -> http://127.0.0.1:8000
  rtdev proxy --to ws://localhost:8765 --port 9443
  rtdev proxy --to 3000 --lan            # a phone on the Wi-Fi reaches it too
  rtdev proxy                            # the [[proxy]] tables of rtdev.toml`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return runProxy(cmd.Context(), a, o, cmd) },
	}
	f := c.Flags()
	f.StringVar(&o.to, "to", "", "the plain backend: `PORT`, HOST:PORT or an http:// or ws:// URL")
	f.IntVarP(&o.port, "port", "p", project.DefaultProxyPort, "`PORT` to listen on (the next free one when the default is taken)")
	f.StringVar(&o.bind, "bind", "", "`ADDRESS` to listen on (default 127.0.0.1 and ::1)")
	f.BoolVar(&o.lan, "lan", false, "listen on every interface so phones on your network can connect")
	f.BoolVar(&o.containers, "containers", false, "also listen on the container bridges (docker0, compose networks, podman's), never on the LAN: containers reach it as host.docker.internal")
	f.BoolVar(&o.keepHost, "keep-host", false, "send the client's Host header to the backend instead of the backend's address")
	f.StringVar(&o.logFormat, "log-format", "text", "access log format: text or json")
	f.Int64Var(&o.maxMessage, "max-message-bytes", proxy.DefaultMaxMessageBytes, "largest WebSocket message either way")
	return c
}

// proxyListener is one port the proxy listens on and the routes it serves.
type proxyListener struct {
	port    int
	tryNext bool
	routes  []proxy.Route
}

// proxyFlags checks the flags, before rtdev.toml is read, and returns the
// listener --to asks for (nil without --to).
func proxyFlags(cmd *cobra.Command, o *proxyOptions) ([]proxyListener, error) {
	set := cmd.Flags().Changed
	if o.logFormat != "text" && o.logFormat != "json" {
		return nil, usageErr("use --log-format text or --log-format json", "--log-format %q is not text or json", o.logFormat)
	}
	if o.lan && set("bind") {
		return nil, usageErr("give either --lan or --bind", "--lan listens on every interface; it cannot be combined with --bind %s", o.bind)
	}
	if o.containers && (o.lan || set("bind")) {
		return nil, usageErr("give --containers alone: it adds the container bridges to loopback", "--containers cannot be combined with --lan or --bind")
	}
	if o.maxMessage < 1 {
		return nil, usageErr("use a size such as --max-message-bytes 16777216 (16 MiB)", "--max-message-bytes %d must be at least 1", o.maxMessage)
	}
	if !netaddr.ValidPort(o.port) {
		return nil, usageErr(fmt.Sprintf("use a port from %s, such as --port %d", netaddr.PortRange, project.DefaultProxyPort), "--port %d is out of range", o.port)
	}
	if set("to") {
		tg, err := target.Parse(o.to)
		if err != nil {
			return nil, usageIf[*target.Error](fmt.Errorf("--to: %w", err))
		}
		return []proxyListener{{port: o.port, tryNext: !set("port"), routes: []proxy.Route{{Path: "/", Target: tg, From: "--to"}}}}, nil
	}
	return nil, nil
}

// resolveProxy turns the [[proxy]] tables into the listeners to open, when
// there was no --to. Nothing is written before it has checked them all.
func resolveProxy(cmd *cobra.Command, tables []project.Proxy, file string) ([]proxyListener, error) {
	set := cmd.Flags().Changed
	if len(tables) == 0 {
		return nil, usageErr("run rtdev proxy --to 8000 with your server's port, or add a [[proxy]] table to "+file,
			"nothing to proxy: no --to and no [[proxy]] table in %s", file)
	}
	if set("port") {
		return nil, usageErr("give --to with --port, or set port in the [[proxy]] tables of "+file,
			"--port goes with --to; the [[proxy]] tables of %s set their own ports", file)
	}
	var out []proxyListener
	for _, t := range tables {
		tg, err := target.Parse(t.To) // checked as project.Load read it (loopback only from a committed file)
		if err != nil {
			return nil, err
		}
		i := slices.IndexFunc(out, func(l proxyListener) bool { return l.port == t.Port })
		if i < 0 {
			out = append(out, proxyListener{port: t.Port})
			i = len(out) - 1
		}
		out[i].routes = append(out[i].routes, proxy.Route{Path: t.Path, Target: tg, From: "to = \"" + t.To + "\" in " + file})
	}
	return out, nil
}

func runProxy(ctx context.Context, a *app, o *proxyOptions, cmd *cobra.Command) error {
	plan, err := proxyFlags(cmd, o)
	if err != nil {
		return err
	}
	p, err := a.loadProject()
	if err != nil {
		return err
	}
	if plan == nil {
		if plan, err = resolveProxy(cmd, p.config.Proxy, project.ConfigFileName); err != nil {
			return err
		}
	}
	if o.lan {
		p.config.Serve.LAN = true // LAN addresses and 10.0.2.2 in the certificate
	}
	logger := ui.NewLogger(a.io, o.logFormat, slog.LevelInfo)
	servers := make([]*proxy.Server, len(plan))
	for i, l := range plan {
		if servers[i], err = proxy.New(proxy.Config{
			Routes: l.routes, KeepHost: o.keepHost, MaxMessageBytes: o.maxMessage, Logger: logger,
		}); err != nil {
			return usageErr(`run "rtdev proxy --help"`, "%v", err)
		}
	}

	out := a.newStatus(false)
	cs, err := a.serveCertSet(p, out, logger)
	if err != nil {
		return err
	}
	res, reloader := cs.res, cs.reloader

	lns := make([][]net.Listener, len(plan))
	for i := range plan {
		got, port, err := tlsserve.Listen(tlsserve.ListenOptions{Port: plan[i].port, Bind: o.bind, LAN: o.lan, TryNext: plan[i].tryNext})
		if err != nil {
			closeAll(lns)
			return proxyListenError(err, plan[i])
		}
		if o.containers {
			follow := tlsserve.NewFollow(port, containerBridgeAddrs, logger)
			defer follow.Close()
			got = append(got, follow)
		}
		lns[i], plan[i].port = got, port
	}
	printProxyBanner(ctx, a, p, res, o, plan, lns)

	go cs.renewer.Run(ctx)
	tlsConf := tlsserve.Config(reloader.GetCertificate)
	errs := make([]error, len(servers))
	var wg sync.WaitGroup
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	for i, s := range servers {
		wg.Go(func() {
			errs[i] = s.Serve(sctx, lns[i], tlsConf)
			cancel() // one port failing stops the others
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return err
	}
	out.line("ok", "stopped")
	return nil
}

func closeAll(lns [][]net.Listener) {
	for _, ls := range lns {
		for _, l := range ls {
			_ = l.Close()
		}
	}
}

func proxyListenError(err error, l proxyListener) error {
	var le *tlsserve.ListenError
	if errors.As(err, &le) && le.InUse() {
		if l.tryNext {
			return withHint(err, fmt.Sprintf("ports %d and the next ones are taken: pick a free one with rtdev proxy --port", l.port))
		}
		return withHint(err, fmt.Sprintf("another program uses port %d: stop it, or choose another port", l.port))
	}
	return err
}

// printProxyBanner says where each proxy listens and what it forwards to.
func printProxyBanner(ctx context.Context, a *app, p *projectCtx, res *project.EnsureResult, o *proxyOptions, plan []proxyListener, lns [][]net.Listener) {
	st := a.io.StylesErr()
	w := a.io.ErrOut
	fmt.Fprintf(w, "\n%s %s\n", st.Title.Render("rtdev proxy"), st.Muted.Render("HTTPS and WSS in front of your plain server"))
	var lan []string
	if o.lan {
		for _, addr := range project.LANAddrs(project.OSSystem()) {
			if hostInCert(res, addr.IP.String()) {
				lan = append(lan, addr.IP.String())
			}
		}
	}
	for i, l := range plan {
		port := strconv.Itoa(l.port)
		for _, rt := range l.routes {
			fmt.Fprintf(w, "  %s %s %s %s\n", st.Key.Render("proxy     "), st.Code.Render("https://localhost:"+port+rt.Path), st.Muted.Render("->"), rt.Target)
		}
		for _, ip := range lan {
			fmt.Fprintf(w, "  %s %s\n", st.Key.Render("on your LAN"), st.Code.Render("https://"+net.JoinHostPort(ip, port)+"/"))
		}
		var bound []string
		for _, ln := range lns[i] {
			bound = append(bound, ln.Addr().String())
		}
		fmt.Fprintf(w, "  %s %s\n", st.Key.Render("listening "), strings.Join(bound, ", "))
		for _, ln := range lns[i] {
			if f, ok := ln.(*tlsserve.Follow); ok {
				printContainers(w, st, f, l.port)
			}
		}
	}
	fmt.Fprintf(w, "  %s %s (%s)\n", st.Key.Render("cert      "), p.relPath(p.layout.Cert), strings.Join(nameStrings(res.Names), ", "))
	fmt.Fprintf(w, "  %s %s\n\n", st.Key.Render("CA trusted"), trustSummary(ctx, a, res))
}

package cmd

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/rtdev/rtdev/ca"
	"github.com/rtdev/rtdev/devserver"
	"github.com/rtdev/rtdev/devserver/checkpage"
	"github.com/rtdev/rtdev/internal/qr"
	"github.com/rtdev/rtdev/internal/ui"
	"github.com/rtdev/rtdev/internal/version"
	"github.com/rtdev/rtdev/project"
	"github.com/rtdev/rtdev/proxy"
	"github.com/rtdev/rtdev/trust"
)

type serveOptions struct {
	port            int
	path            string
	key             string
	expireTimeout   time.Duration
	aliveTimeout    time.Duration
	concurrentLimit int
	allowDiscovery  bool
	allowOverride   bool
	cors            []string
	bind            string
	lan             bool
	static          string
	routes          []string // --route PATH=URL, as typed
	logFormat       string
	maxMessage      int64
	rateLimit       float64
	rateBurst       int
	maxQueued       int64
	byteRate        float64
	qr              bool
	cluster         string
	clusterPassword string
	clusterClaimTTL time.Duration
}

func newCmdServe(a *app) *cobra.Command {
	o := &serveOptions{}
	c := &cobra.Command{
		Use:   "serve",
		Short: "Run the PeerJS-compatible signaling server over HTTPS/WSS with the project cert",
		Long: `Run a PeerJS-compatible signaling server on HTTPS and WSS (one port) with the
project certificate from .rtdev/. Unmodified peerjs 1.5.x clients connect to it as
to peerjs-server; the flags take peerjs-server's names (--allow_discovery works
as well as --allow-discovery). Settings come from the [serve] table of
rtdev.toml; flags override them.

serve creates the certificate set when it is missing (as "rtdev init --no-trust"
would), renews it when due, and reloads it without a restart when the files
change. Its check page is at https://localhost:PORT/rtdev/. Ctrl-C stops it
after the open connections are closed.`,
		Example: `  rtdev serve
  rtdev serve --port 9443 --path /myapp --allow-discovery
  rtdev serve --lan            # reachable from a phone on the same Wi-Fi; prints a QR code
  rtdev serve --lan --qr=false
  rtdev serve --log-format json`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return runServe(cmd.Context(), a, o, cmd) },
	}
	f := c.Flags()
	f.SetNormalizeFunc(underscoresAsDashes)
	f.IntVarP(&o.port, "port", "p", 0, "`PORT` to listen on (rtdev.toml serve.port, default 9000)")
	f.StringVar(&o.path, "path", "", "`PATH` the PeerJS routes live under (default /)")
	f.StringVarP(&o.key, "key", "k", "", "the `KEY` clients must send (default peerjs)")
	f.Var(msDuration{&o.expireTimeout}, "expire-timeout", "how long messages for an offline peer are kept (5s; bare numbers are milliseconds)")
	f.Var(msDuration{&o.aliveTimeout}, "alive-timeout", "how long a peer may go without a HEARTBEAT (60s)")
	f.IntVarP(&o.concurrentLimit, "concurrent-limit", "c", 0, "most peers connected at once (5000)")
	f.BoolVar(&o.allowDiscovery, "allow-discovery", false, "serve the list of connected ids at PATH/KEY/peers")
	f.BoolVar(&o.allowOverride, "allow-override", false, "let a new connection take over a taken id instead of getting ID-TAKEN")
	// The names used for the override request upstream (peers/peerjs#1203
	// and the fork that implemented it).
	f.BoolVar(&o.allowOverride, "allow-override-connect", false, "same as --allow-override")
	f.BoolVar(&o.allowOverride, "allow-override-connection", false, "same as --allow-override")
	_ = f.MarkHidden("allow-override-connect")
	_ = f.MarkHidden("allow-override-connection")
	f.StringArrayVar(&o.cors, "cors", nil, "allow only this `ORIGIN` to read the HTTP routes (repeatable; default: reflect any)")
	f.StringVar(&o.bind, "bind", "", "`ADDRESS` to listen on (default 127.0.0.1 and ::1)")
	f.BoolVar(&o.lan, "lan", false, "listen on every interface so phones on your network can connect")
	f.StringArrayVar(&o.routes, "route", nil, "mount a plain backend on the serve port: `PATH=URL` such as /=http://localhost:5173 (repeatable), so the app, its HMR and PeerJS share one origin")
	f.BoolVar(&o.qr, "qr", true, "with --lan, print a QR code of the phone setup page (on a terminal)")
	f.StringVar(&o.static, "static", "", "also serve the files in `DIR` (your app's page)")
	f.StringVar(&o.logFormat, "log-format", "text", "access log format: text or json")
	f.Int64Var(&o.maxMessage, "max-message-bytes", 0, "largest WebSocket message accepted (64 KiB)")
	f.Float64Var(&o.rateLimit, "rate-limit", 0, "messages per second one connection may send before it is closed (100; -1 for no limit)")
	f.IntVar(&o.rateBurst, "rate-burst", 0, "messages a connection may send at once above --rate-limit (200)")
	f.Float64Var(&o.byteRate, "byte-rate-limit", 0, "bytes per second one connection may send before it is closed (1 MiB; -1 for no limit)")
	f.Int64Var(&o.maxQueued, "max-queued-bytes", 0, "bytes of messages held for slow or offline peers, all together; more are dropped with EXPIRE (64 MiB)")
	clusterFlags(c, o)
	return c
}

// resolveServe merges flags over rtdev.toml over the defaults; root is the
// project folder, which relative paths in rtdev.toml are relative to.
func resolveServe(cmd *cobra.Command, o *serveOptions, s project.Serve, root string) (serveOptions, error) {
	r := *o
	set := cmd.Flags().Changed
	if !set("port") {
		r.port = s.Port
	}
	if !set("path") {
		r.path = s.Path
	}
	if !set("key") {
		r.key = s.Key
	}
	if !set("expire-timeout") {
		r.expireTimeout = s.ExpireTimeout.Duration
	}
	if !set("alive-timeout") {
		r.aliveTimeout = s.AliveTimeout.Duration
	}
	if !set("concurrent-limit") {
		r.concurrentLimit = s.ConcurrentLimit
	}
	// A flag typed on the command line wins over rtdev.toml in both
	// directions: --allow-discovery=false turns off what the file turns on.
	if !set("allow-discovery") {
		r.allowDiscovery = s.AllowDiscovery
	}
	if !set("allow-override") && !set("allow-override-connect") && !set("allow-override-connection") {
		r.allowOverride = s.AllowOverride
	}
	if !set("cors") {
		r.cors = s.CORS
	}
	if !set("bind") {
		r.bind = s.Bind
	}
	// --bind typed with lan = true in the file means this address only.
	if !set("lan") && !set("bind") {
		r.lan = s.LAN
	}
	if !set("static") && s.Static != "" {
		// The file's folder is the project's, wherever serve is started.
		r.static = s.Static
		if !filepath.IsAbs(r.static) {
			r.static = filepath.Join(root, r.static)
		}
	}
	if r.port < 1 || r.port > 65535 {
		return r, usageErr("use a port from 1 to 65535, such as --port 9000", "--port %d is out of range", r.port)
	}
	if r.logFormat != "text" && r.logFormat != "json" {
		return r, usageErr("use --log-format text or --log-format json", "--log-format %q is not text or json", r.logFormat)
	}
	if r.lan && set("bind") {
		return r, usageErr("give either --lan or --bind", "--lan listens on every interface; it cannot be combined with --bind %s", r.bind)
	}
	return r, nil
}

func runServe(ctx context.Context, a *app, o *serveOptions, cmd *cobra.Command) error {
	p, err := a.loadProject()
	if err != nil {
		return err
	}
	opts, err := resolveServe(cmd, o, p.config.Serve, p.layout.Root)
	if err != nil {
		return err
	}
	if err := resolveCluster(cmd, &opts, p.config.Serve, a.getenv); err != nil {
		return err
	}
	if opts.lan {
		p.config.Serve.LAN = true
	}
	// Settings are checked before anything is written, so a bad flag
	// never leaves a half-set-up project behind.
	logger := ui.NewLogger(a.io, opts.logFormat, slog.LevelInfo)
	// Plain HTTP on the port serves only the phone setup page and the
	// public CA files; Handler and Hosts are filled in below, before Serve.
	plain := &devserver.PlainHTTP{Paths: checkpage.PlainPaths(""), SetupPath: "/rtdev/phone"}
	cfg := devserver.Config{
		PlainHTTP:       plain,
		Path:            opts.path,
		Key:             opts.key,
		ExpireTimeout:   opts.expireTimeout,
		AliveTimeout:    opts.aliveTimeout,
		ConcurrentLimit: opts.concurrentLimit,
		AllowDiscovery:  opts.allowDiscovery,
		AllowOverride:   opts.allowOverride,
		CORSOrigins:     opts.cors,
		MaxMessageBytes: opts.maxMessage,
		// A browser's peerjs client sends a HEARTBEAT every 5 s and a burst
		// of ICE candidates per call; the limit only stops a runaway client.
		MessagesPerSecond: opts.rateLimit, // negative: no limit (devserver.NoRateLimit)
		Burst:             opts.rateBurst,
		BytesPerSecond:    opts.byteRate, // negative: no limit, as for MessagesPerSecond
		MaxQueuedBytes:    opts.maxQueued,
		ClusterURL:        opts.cluster,
		ClusterPassword:   opts.clusterPassword,
		ClusterClaimTTL:   opts.clusterClaimTTL,
		Logger:            logger,
	}
	routes, err := serveRoutes(opts.routes, p.config.Serve.Routes, logger)
	if err != nil {
		return err
	}
	// A browser opening / gets the app, not the PeerJS info JSON, when
	// the app lives at / (a static folder or a route for /).
	cfg.AppAtRoot = opts.static != "" || (routes != nil && routes.Matches("/"))
	srv, err := devserver.New(cfg)
	if err != nil {
		return serveConfigError(err)
	}
	var static http.Handler
	if opts.static != "" {
		// Refused before anything is written: a root holding the key,
		// the CA or .git must never be served.
		if static, err = devserver.StaticHandler(opts.static, p.layout.Dir, p.caDir); err != nil {
			return usageIf[*devserver.StaticRootError](err)
		}
	}
	out := newStatus(a.io, false)
	cs, err := a.serveCertSet(p, out, logger)
	if err != nil {
		return err
	}
	res, reloader, renewer := cs.res, cs.reloader, cs.renewer
	lns, err := devserver.Listen(opts.port, opts.bind, opts.lan)
	if err != nil {
		var le *devserver.ListenError
		if errors.As(err, &le) {
			return withHint(err, fmt.Sprintf("another program uses port %d: stop it, or run rtdev serve --port %d", le.Port, le.Port+1))
		}
		return err
	}
	started := a.now()
	var lan []string // the LAN addresses a phone can open, default route first
	if opts.lan {
		lan = lanHostsInCert(res, project.OSSystem())
	}
	page := checkPage(srv, renewer, reloader, started, lan)
	plain.Handler, plain.Hosts = page, append(slices.Clone(lan), "localhost")
	extra := serveExtras(page, appHandler(routes, static))
	printServeBanner(ctx, a, p, srv, res, opts, devserver.Addrs(lns), lan, routes)

	go renewer.Run(ctx)
	tlsConf := devserver.TLSConfig(reloader.GetCertificate)
	err = srv.ServeListeners(ctx, lns, tlsConf, extra)
	if routes != nil {
		// Routed WebSockets are hijacked, so the HTTP shutdown does not
		// end them: the proxy sends both sides 1001.
		sctx, cancel := context.WithTimeout(context.Background(), srv.Config().ShutdownTimeout)
		_ = routes.Shutdown(sctx)
		cancel()
	}
	if err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	out.line("ok", "stopped")
	return nil
}

// checkPage is the check page, phone setup page and CA files under /rtdev/.
func checkPage(srv *devserver.Server, renewer *project.Renewer, reloader *devserver.CertReloader, started time.Time, lan []string) http.Handler {
	return devserver.NoUpgrade(checkpage.Handler(checkpage.Config{
		PeerPath:  srv.Config().Path,
		PeerKey:   srv.Config().Key,
		CACertPEM: renewer.Current().CA.CertPEM,
		LANHosts:  lan,
		Machine:   owner(),
		// The certificate the next handshake presents, even when another
		// rtdev init rewrote the files under this server.
		Health: func() any {
			return srv.Health(version.String(), time.Since(started), devserver.CertHealthOf(reloader.Leaf()))
		},
	}))
}

// serveExtras mounts the check page under /rtdev/ and gives the rest to
// app; both get only what the PeerJS routes do not claim.
func serveExtras(page, app http.Handler) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/rtdev/", page)
	mux.Handle("/", app)
	return mux
}

// appHandler serves what neither PeerJS nor /rtdev/ claims: a --route
// backend first (WebSocket upgrades included, for HMR), then the static
// files, else 404; an upgrade nothing routes gets peerjs-server's 400.
func appHandler(routes *proxy.Server, static http.Handler) http.Handler {
	rest := http.NotFoundHandler()
	if static != nil {
		rest = static
	}
	rest = devserver.NoUpgrade(rest)
	if routes == nil {
		return rest
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if routes.Matches(r.URL.Path) {
			routes.ServeHTTP(w, r)
			return
		}
		rest.ServeHTTP(w, r)
	})
}

func printServeBanner(ctx context.Context, a *app, p *projectCtx, srv *devserver.Server, res *project.EnsureResult, o serveOptions, bound, lan []string, routes *proxy.Server) {
	st := a.io.StylesErr()
	w := a.io.ErrOut
	fmt.Fprintf(w, "\n%s %s\n", st.Title.Render("rtdev serve"), st.Muted.Render("PeerJS-compatible signaling over HTTPS/WSS"))
	urls := []string{fmt.Sprintf("https://localhost:%d/rtdev/", o.port)}
	pasteHost := "localhost"
	if o.lan {
		for _, h := range lan {
			urls = append(urls, fmt.Sprintf("https://%s/rtdev/", net.JoinHostPort(h, strconv.Itoa(o.port))))
		}
		if len(lan) > 0 {
			// A phone on the Wi-Fi cannot reach "localhost": the paste
			// line names the address the page is opened at.
			pasteHost = urlHost(lan[0])
		}
	}
	fmt.Fprintf(w, "  %s %s\n", st.Key.Render("check page"), st.Code.Render(urls[0]))
	for _, u := range urls[1:] {
		fmt.Fprintf(w, "  %s %s\n", st.Key.Render("on your LAN"), st.Code.Render(u))
	}
	fmt.Fprintf(w, "  %s %s\n", st.Key.Render("listening "), strings.Join(bound, ", "))
	if routes != nil {
		for _, rt := range routes.Config().Routes {
			fmt.Fprintf(w, "  %s %s -> %s\n", st.Key.Render("route     "), rt.Path, rt.Target)
		}
	}
	fmt.Fprintf(w, "  %s %s\n", st.Key.Render("websocket "), fmt.Sprintf("wss://localhost:%d%s", o.port, srv.WebSocketPath()))
	fmt.Fprintf(w, "  %s %s (%s)\n", st.Key.Render("cert      "), p.relPath(p.layout.Cert), strings.Join(nameStrings(res.Names), ", "))
	fmt.Fprintf(w, "  %s %s\n", st.Key.Render("CA trusted"), trustSummary(ctx, a, res))
	fmt.Fprintf(w, "\n%s\n%s\n\n", st.Muted.Render("// paste into your app (peerjs 1.5.x):"), st.Code.Render(peerSnippet(pasteHost, o.port, srv.Config())))
	if o.lan && len(lan) > 0 {
		printPhoneSetup(a, st, fmt.Sprintf("http://%s/rtdev/phone", net.JoinHostPort(lan[0], strconv.Itoa(o.port))), res.CA.CertPEM, o.qr)
	}
}

// printPhoneSetup prints the phone setup URL: on a colour terminal with a QR
// code and the CA fingerprint the page shows, so the user can compare
// (the page comes over plain HTTP); piped, the URL alone. The code needs
// explicit colours to read on both dark and light themes, so NO_COLOR
// gets the URL and fingerprint only.
func printPhoneSetup(a *app, st ui.Styles, setup string, caPEM []byte, showQR bool) {
	w := a.io.ErrOut
	if !a.io.ErrTTY {
		fmt.Fprintf(w, "phone setup: %s\n", setup)
		return
	}
	fmt.Fprintf(w, "%s\n", st.Muted.Render("// on a phone on the same Wi-Fi, open (plain http, before it trusts the CA):"))
	if showQR && st.Color() {
		if code, err := qr.Encode(setup); err == nil {
			fmt.Fprint(w, st.QRBlocks(code.Size(), code.Dark))
		}
	}
	fmt.Fprintf(w, "  %s %s\n", st.Key.Render("phone setup"), st.Code.Render(setup))
	fmt.Fprintf(w, "  %s %s\n\n", st.Key.Render("CA SHA-256 "), checkpage.Fingerprint(caPEM))
}

// lanHostsInCert lists this machine's LAN addresses that the certificate
// covers, the default route's first, then IPv4 first: the ones a phone can
// open without a name mismatch.
func lanHostsInCert(res *project.EnsureResult, sys project.System) []string {
	var out []string
	for _, addr := range project.PhoneAddrs(sys) {
		if h := addr.IP.String(); hostInCert(res, h) {
			out = append(out, h)
		}
	}
	return out
}

// urlHost is host as it goes in a URL: an IPv6 address in brackets, which
// the peerjs client needs because it joins host and port with a colon.
func urlHost(host string) string {
	if strings.Contains(host, ":") {
		return "[" + host + "]"
	}
	return host
}

// peerSnippet is the client configuration that matches this server, with
// the path as the server normalised it.
func peerSnippet(host string, port int, cfg devserver.Config) string {
	return fmt.Sprintf(`const peer = new Peer({ host: %q, port: %d, path: %q, secure: true, key: %q });`,
		host, port, cfg.Path, cfg.Key)
}

func hostInCert(res *project.EnsureResult, host string) bool {
	return slices.ContainsFunc(res.Names, func(n ca.Name) bool { return n.Value == host })
}

// trustSummary says in a few words where the CA is trusted, from the same
// checks `rtdev trust status` makes (without prompting for anything).
func trustSummary(ctx context.Context, a *app, res *project.EnsureResult) string {
	st := a.io.StylesErr()
	results, err := a.trustAction(ctx, res.CA, "status", "", false)
	if err != nil {
		return st.Warn.Render("unknown") + " (" + err.Error() + ")"
	}
	var ok, missing []string
	for _, r := range results {
		switch {
		case r.Problem():
			missing = append(missing, r.Store)
		case r.State == trust.Installed || r.State == trust.Already:
			ok = append(ok, r.Store)
		}
	}
	ok, missing = slices.Compact(ok), slices.Compact(missing)
	switch {
	case len(missing) == 0 && len(ok) > 0:
		return st.OK.Render("yes") + " (" + strings.Join(ok, ", ") + ")"
	case len(missing) == 0:
		return st.Warn.Render("no stores checked") + " (RTDEV_TRUST_STORES)"
	default:
		return st.Warn.Render("not in "+strings.Join(missing, ", ")) + " — run " + st.Code.Render("rtdev trust install")
	}
}

// serveFlagFor names the flag (or rtdev.toml key) behind each devserver
// Config field, so a bad value is reported in the user's words.
var serveFlagFor = map[string]string{
	"Path":              "--path (serve.path)",
	"Key":               "--key (serve.key)",
	"ExpireTimeout":     "--expire-timeout (serve.expire_timeout)",
	"AliveTimeout":      "--alive-timeout (serve.alive_timeout)",
	"ConcurrentLimit":   "--concurrent-limit (serve.concurrent_limit)",
	"MaxMessageBytes":   "--max-message-bytes",
	"MessagesPerSecond": "--rate-limit",
	"Burst":             "--rate-burst",
	"BytesPerSecond":    "--byte-rate-limit",
	"MaxQueuedBytes":    "--max-queued-bytes",
	"ClusterURL":        "--cluster (RTDEV_CLUSTER, serve.cluster)",
	"ClusterClaimTTL":   "--cluster-claim-ttl",
}

func serveConfigError(err error) error {
	if cerr := clusterStartError(err); cerr != nil {
		return cerr
	}
	var ce *devserver.ConfigError
	if errors.As(err, &ce) {
		if flag, ok := serveFlagFor[ce.Field]; ok {
			return usageErr(`run "rtdev serve --help"`, "%s: %v", flag, ce.Err)
		}
	}
	return usageErr(`run "rtdev serve --help"`, "%v", err)
}

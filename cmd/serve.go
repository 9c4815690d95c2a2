package cmd

import (
	"context"
	"errors"
	"fmt"
	"github.com/rtdev/rtdev/internal/netaddr"
	"log/slog"
	"net/http"
	"path/filepath"
	"slices"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/rtdev/rtdev/devserver"
	"github.com/rtdev/rtdev/devserver/checkpage"
	"github.com/rtdev/rtdev/internal/tlsserve"
	"github.com/rtdev/rtdev/internal/ui"
	"github.com/rtdev/rtdev/project"
	"github.com/rtdev/rtdev/proxy"
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
	containers      bool
	static          string
	staticFrom      string   // where static came from, for the banner
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
	f.IntVarP(&o.port, "port", "p", 0, fmt.Sprintf("`PORT` to listen on (rtdev.toml serve.port, default %d)", project.DefaultServePort))
	f.StringVar(&o.path, "path", "", fmt.Sprintf("`PATH` the PeerJS routes live under (default %s)", project.DefaultServePath))
	f.StringVarP(&o.key, "key", "k", "", fmt.Sprintf("the `KEY` clients must send (default %s)", project.DefaultServeKey))
	f.Var(msDuration{&o.expireTimeout}, "expire-timeout", fmt.Sprintf("how long messages for an offline peer are kept (%v; bare numbers are milliseconds)", project.DefaultExpireTimeout))
	f.Var(msDuration{&o.aliveTimeout}, "alive-timeout", fmt.Sprintf("how long a peer may go without a HEARTBEAT (%ds)", project.DefaultAliveTimeout/time.Second))
	f.IntVarP(&o.concurrentLimit, "concurrent-limit", "c", 0, fmt.Sprintf("most peers connected at once (%d)", project.DefaultConcurrentLimit))
	f.BoolVar(&o.allowDiscovery, "allow-discovery", false, "serve the list of connected ids at PATH/KEY/peers")
	f.BoolVar(&o.allowOverride, "allow-override", false, "let a new connection take over a taken id instead of getting ID-TAKEN")
	// The names used for the override request upstream (peers/peerjs#1203
	// and the fork that implemented it).
	f.BoolVar(&o.allowOverride, "allow-override-connect", false, "same as --allow-override")
	f.BoolVar(&o.allowOverride, "allow-override-connection", false, "same as --allow-override")
	_ = f.MarkHidden("allow-override-connect")
	_ = f.MarkHidden("allow-override-connection")
	f.StringArrayVar(&o.cors, "cors", nil, "allow only this `ORIGIN` to read the HTTP routes (repeatable; default: reflect any)")
	f.StringVar(&o.bind, "bind", "", fmt.Sprintf("`ADDRESS` to listen on (default %s and ::1)", project.DefaultServeBind))
	f.BoolVar(&o.lan, "lan", false, "listen on every interface so phones on your network can connect")
	f.BoolVar(&o.containers, "containers", false, "also listen on the container bridges (docker0, compose networks, podman's), followed as they come and go, never on the LAN: containers reach serve as host.docker.internal")
	f.StringArrayVar(&o.routes, "route", nil, "mount a plain backend on the serve port: `PATH=URL` such as /=http://localhost:5173 (repeatable), so the app, its HMR and PeerJS share one origin")
	f.BoolVar(&o.qr, "qr", true, "with --lan, print a QR code of the phone setup page (on a terminal)")
	f.StringVar(&o.static, "static", "", "also serve the files in `DIR` (your app's page)")
	f.StringVar(&o.logFormat, "log-format", "text", "access log format: text or json")
	f.Int64Var(&o.maxMessage, "max-message-bytes", 0, fmt.Sprintf("largest WebSocket message accepted (%d KiB)", devserver.DefaultMaxMessageBytes>>10))
	f.Float64Var(&o.rateLimit, "rate-limit", 0, fmt.Sprintf("messages per second one connection may send before it is closed (%d; -1 for no limit)", devserver.DefaultMessagesPerSecond))
	f.IntVar(&o.rateBurst, "rate-burst", 0, fmt.Sprintf("messages a connection may send at once above --rate-limit (%d)", devserver.DefaultBurst))
	f.Float64Var(&o.byteRate, "byte-rate-limit", 0, fmt.Sprintf("bytes per second one connection may send before it is closed (%d MiB; -1 for no limit)", devserver.DefaultBytesPerSecond>>20))
	f.Int64Var(&o.maxQueued, "max-queued-bytes", 0, fmt.Sprintf("bytes of messages held for slow or offline peers, all together; more are dropped with EXPIRE (%d MiB)", devserver.DefaultMaxQueuedBytes>>20))
	clusterFlags(c, o)
	return c
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

// noticeFlags are the serve flags that set what a committed-file notice is
// about: typed, they make the notice moot.
var noticeFlags = map[string]string{"serve.lan": "lan", "serve.containers": "containers", "serve.bind": "bind", "serve.static": "static", "serve.cluster": "cluster"}

// resolveServe merges flags over rtdev.toml over the defaults; root is the
// project folder, which relative paths in rtdev.toml are relative to.
func resolveServe(cmd *cobra.Command, o *serveOptions, s project.Serve, src func(key string) project.Source, root string) (serveOptions, error) {
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
	if !set("containers") && !set("bind") && !r.lan {
		r.containers = s.Containers
	}
	r.staticFrom = "--static"
	if !set("static") && s.Static != "" {
		// The file's folder is the project's, wherever serve is started.
		r.static, r.staticFrom = s.Static, "static in "+string(src("serve.static"))
		if !filepath.IsAbs(r.static) {
			r.static = filepath.Join(root, r.static)
		}
	}
	return r, nil
}

// serveFlags checks what the flags alone decide, before rtdev.toml is read
// (project.Load checks the file's values), and parses the --route flags.
func serveFlags(cmd *cobra.Command, o *serveOptions, getenv func(string) string) ([]proxy.Route, error) {
	set := cmd.Flags().Changed
	if set("port") && !netaddr.ValidPort(o.port) {
		return nil, usageErr(fmt.Sprintf("use a port from %s, such as --port %d", netaddr.PortRange, project.DefaultServePort), "--port %d is out of range", o.port)
	}
	if o.logFormat != "text" && o.logFormat != "json" {
		return nil, usageErr("use --log-format text or --log-format json", "--log-format %q is not text or json", o.logFormat)
	}
	if o.lan && set("bind") {
		return nil, usageErr("give either --lan or --bind", "--lan listens on every interface; it cannot be combined with --bind %s", o.bind)
	}
	if o.containers && (o.lan || set("bind")) {
		return nil, usageErr("give --containers alone: it adds the container bridges to loopback", "--containers cannot be combined with --lan or --bind")
	}
	// The server's own checks on what was typed (limits, --cors, --path,
	// --key, a --cluster URL, the forward token); what is not typed yet
	// takes the server's defaults, which pass.
	if err := o.serverConfig(getenv).Check(); err != nil {
		return nil, serveConfigError(err)
	}
	return routeFlags(o.routes)
}

// serverConfig is the signaling server's configuration from the resolved
// options; PlainHTTP and Logger are the caller's.
func (o serveOptions) serverConfig(getenv func(string) string) devserver.Config {
	return devserver.Config{
		Path:            o.path,
		Key:             o.key,
		ExpireTimeout:   o.expireTimeout,
		AliveTimeout:    o.aliveTimeout,
		ConcurrentLimit: o.concurrentLimit,
		AllowDiscovery:  o.allowDiscovery,
		AllowOverride:   o.allowOverride,
		CORSOrigins:     o.cors,
		MaxMessageBytes: o.maxMessage,
		// A browser's peerjs client sends a HEARTBEAT every 5 s and a burst
		// of ICE candidates per call; the limit only stops a runaway client.
		MessagesPerSecond: o.rateLimit, // negative: no limit (devserver.NoRateLimit)
		Burst:             o.rateBurst,
		BytesPerSecond:    o.byteRate, // negative: no limit, as for MessagesPerSecond
		MaxQueuedBytes:    o.maxQueued,
		ClusterURL:        o.cluster,
		ClusterPassword:   o.clusterPassword,
		ClusterClaimTTL:   o.clusterClaimTTL,
		// The Vite plugin's proxy proves itself with this token; an
		// environment variable, because a command line is in every
		// process listing.
		ForwardToken: getenv(envForwardToken),
	}
}

func runServe(ctx context.Context, a *app, o *serveOptions, cmd *cobra.Command) error {
	typedRoutes, err := serveFlags(cmd, o, a.getenv)
	if err != nil {
		return err
	}
	p, err := a.loadProject()
	if err != nil {
		return err
	}
	opts, err := resolveServe(cmd, o, p.config.Serve, p.settings.Source, p.layout.Root)
	if err != nil {
		return err
	}
	if err := resolveCluster(cmd, &opts, p.config.Serve, p.settings.Source("serve.cluster"), a.getenv); err != nil {
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
	plain := &devserver.PlainHTTP{Paths: checkpage.PlainPaths(""), SetupPath: project.PagePrefix + "phone"}
	cfg := opts.serverConfig(a.getenv)
	cfg.PlainHTTP, cfg.Logger = plain, logger
	for _, n := range p.settings.Notices {
		if flag, ok := noticeFlags[n.Key]; ok && cmd.Flags().Changed(flag) {
			continue // the developer typed it: the file's value is moot
		}
		// WARN, so the Vite plugin (which shows serve's warnings) shows
		// them: under npm run dev they are all the developer sees.
		logger.Warn(a.asRun(n.String()))
	}
	routes, err := serveRoutes(typedRoutes, p.config.Serve.Routes, opts.lan, logger)
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
		if static, err = tlsserve.StaticHandler(opts.static, p.layout.Dir, p.caDir); err != nil {
			return usageIf[*tlsserve.StaticRootError](err)
		}
	}
	out := a.newStatus(false)
	cs, err := a.serveCertSet(p, out, logger)
	if err != nil {
		return err
	}
	res, reloader, renewer := cs.res, cs.reloader, cs.renewer
	// A port not typed moves on to the next free one, as Vite's server.port
	// does without strictPort: a second project's serve (or make run on a
	// busy machine) then starts instead of failing, and says which port
	// it took. A typed --port is kept: the developer asked for it.
	tryNext := !cmd.Flags().Changed("port")
	// Inside a container on its own network, serve listens on the
	// container's interfaces too, so a published port (compose ports:)
	// reaches it; loopback alone would answer only inside.
	everyInterface := opts.lan
	if p.container != "" && !opts.lan && !opts.containers && !cmd.Flags().Changed("bind") &&
		p.settings.Source("serve.bind") == project.FromDefault && project.OwnNetworkOnly(project.OSSystem()) {
		everyInterface = true
		logger.Info("inside a container on its own network: listening on its interfaces too, for published ports")
	}
	lns, port, err := tlsserve.Listen(tlsserve.ListenOptions{Port: opts.port, Bind: opts.bind, LAN: everyInterface, TryNext: tryNext})
	if err != nil {
		return serveListenError(err, opts.port, tryNext)
	}
	var follow *tlsserve.Follow
	if opts.containers {
		follow = tlsserve.NewFollow(port, containerBridgeAddrs, logger)
		defer follow.Close()
		lns = append(lns, follow)
	}
	if port != opts.port {
		logger.Warn(fmt.Sprintf("port %d is taken: serving on %d (snippets that name %d need %s)", opts.port, port, opts.port, a.cmdline("serve", "--port", strconv.Itoa(port))))
		opts.port = port
	}
	started := a.now()
	var lan []string // the LAN addresses a phone can open, default route first
	if opts.lan {
		lan = lanHostsInCert(res, cs.sys)
	}
	page := checkPage(srv, renewer, reloader, started, checkpage.Config{LANHosts: lan, LANCommand: a.lanCommand(cmd), LoopbackPort: loopbackPort(lns)})
	plain.Handler, plain.Hosts = page, append(slices.Clone(lan), "localhost")
	plain.Certificate = reloader.Leaf
	extra := serveExtras(page, appHandler(routes, static))
	printServeBanner(ctx, a, p, srv, res, opts, tlsserve.Addrs(lns), lan, routes, follow)
	if opts.lan {
		printPortProxy(a, cs.sys, opts.port)
	}

	go renewer.Run(ctx)
	tlsConf := tlsserve.Config(reloader.GetCertificate)
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

// envForwardToken holds the secret the Vite plugin's proxy sends with the
// client address and host it forwards (devserver.Config.ForwardToken).
const envForwardToken = "RTDEV_FORWARD_TOKEN"

// serveListenError says how to get a port when serve cannot listen.
func serveListenError(err error, first int, triedNext bool) error {
	var le *tlsserve.ListenError
	if !errors.As(err, &le) || !le.InUse() {
		return err
	}
	if triedNext {
		return withHint(err, fmt.Sprintf("ports %d to %d are taken: pick a free one with rtdev serve --port PORT", first, le.Port))
	}
	return withHint(err, fmt.Sprintf("another program uses port %d: stop it, or run rtdev serve --port %d", le.Port, le.Port+1))
}

func serveConfigError(err error) error {
	if cerr := clusterStartError(err); cerr != nil {
		return cerr
	}
	var ce *devserver.ConfigError
	if errors.As(err, &ce) {
		if ce.Field == "ForwardToken" {
			return usageErr("unset "+envForwardToken+": the rtdev Vite plugin sets it, to a random token, only for the rtdev serve it starts",
				"%s: %v", envForwardToken, ce.Err)
		}
		if flag, ok := serveFlagFor[ce.Field]; ok {
			return usageErr(`run "rtdev serve --help"`, "%s: %v", flag, ce.Err)
		}
	}
	return usageErr(`run "rtdev serve --help"`, "%v", err)
}

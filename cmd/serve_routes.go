package cmd

import (
	"fmt"
	"log/slog"
	"strings"

	"github.com/rtdev/rtdev/internal/target"
	"github.com/rtdev/rtdev/project"
	"github.com/rtdev/rtdev/proxy"
)

// routeFlags parses --route PATH=URL flags (the user's own: any target).
func routeFlags(flags []string) ([]proxy.Route, error) {
	var routes []proxy.Route
	for _, f := range flags {
		path, to, ok := strings.Cut(f, "=")
		if !ok {
			return nil, usageErr("use --route PATH=URL, such as --route /=http://localhost:5173", "--route %q has no =", f)
		}
		clean, err := target.CleanPath(path)
		if err != nil {
			return nil, usageErr("use --route PATH=URL, such as --route /=http://localhost:5173", "--route: %v", err)
		}
		tg, err := target.Parse(to)
		if err != nil {
			return nil, usageIf[*target.Error](fmt.Errorf("--route %s: %w", f, err))
		}
		routes = append(routes, proxy.Route{Path: clean, Target: tg, From: "--route " + f})
	}
	return routes, nil
}

// serveRoutes turns the routes typed as --route flags (parsed by
// routeFlags) or, without them, the [[serve.route]] tables of rtdev.toml
// (this machine only, checked when the file was loaded) into one proxy
// mounted on the serve port. It returns nil when there is nothing to
// route. The proxy has its own limits (16 MiB messages, ...): PeerJS's
// apply to PeerJS only.
//
// Under --lan, a route from a committed file is served to clients on this
// machine only: the file may name a loopback backend, but putting it on
// the network is the developer's call (--route, or rtdev.local.toml).
func serveRoutes(typed []proxy.Route, tables []project.Route, lan bool, logger *slog.Logger) (*proxy.Server, error) {
	routes := typed
	if len(typed) == 0 {
		for _, t := range tables {
			tg, err := target.Parse(t.To)
			if err != nil {
				return nil, err
			}
			rt := proxy.Route{Path: t.Path, Target: tg, From: fmt.Sprintf("[[serve.route]] to = %q in %s", t.To, t.From)}
			if lan && !t.From.Typed() {
				rt.LoopbackOnly = fmt.Sprintf("%s is served to this machine only, since %s comes from the committed %s; to serve it to your network, run rtdev serve --lan --route %s=%s",
					t.Path, rt.From, t.From, t.Path, t.To)
			}
			routes = append(routes, rt)
		}
	}
	if len(routes) == 0 {
		return nil, nil
	}
	px, err := proxy.New(proxy.Config{Routes: routes, Logger: logger})
	if err != nil {
		return nil, usageErr(`run "rtdev serve --help"`, "--route: %v", err)
	}
	return px, nil
}

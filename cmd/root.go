package cmd

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/rtdev/rtdev/internal/ui"
	"github.com/rtdev/rtdev/trust"
)

// app is what every command gets from Main: its streams and a sealed view of
// the environment, so tests can run Main in-process with a throwaway HOME.
type app struct {
	io     *ui.IOStreams
	getenv func(string) string
	now    func() time.Time
	// trustEnv describes the machine to the trust stores; nil is
	// trust.NewEnv. Unit tests put a fake runner and root folder there.
	trustEnv func(canPrompt bool) trust.Env
	// self is how the user can run this rtdev again (selfCommand); ""
	// is "rtdev".
	self string
	patternState
}

// Main runs rtdev with the process's arguments and environment and returns
// the exit status. main.go calls it; testscript calls it in-process.
func Main() int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return runMain(ctx, systemSelf(), os.Args[1:], ui.System(os.Getenv), os.Getenv)
}

// runMain runs rtdev with args for a user who runs it as self
// (selfCommand).
func runMain(ctx context.Context, self string, args []string, ios *ui.IOStreams, getenv func(string) string) int {
	a := &app{io: ios, getenv: getenv, now: time.Now, self: self}
	root := newRootCmd(a)
	root.SetArgs(args)
	root.SetIn(ios.In)
	root.SetOut(ios.Out)
	root.SetErr(ios.ErrOut)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return exitOK
	}
	code, hint := describe(err)
	if errors.Is(err, errProblemsFound) {
		return code
	}
	st := ios.StylesErr()
	fmt.Fprintf(ios.ErrOut, "%s %s\n", st.Error.Render("error:"), a.asRun(err.Error()))
	if hint != "" {
		fmt.Fprintf(ios.ErrOut, "%s %s\n", st.Hint.Render("hint:"), a.asRun(hint))
	}
	return code
}

func newRootCmd(a *app) *cobra.Command {
	root := &cobra.Command{
		Use:   "rtdev",
		Short: "Local HTTPS and WSS for realtime apps: one CA, one cert set, trusted everywhere",
		Long: `rtdev gives a project a local certificate authority, a certificate for every name
and address you will type (localhost, 127.0.0.1, ::1, your LAN address), trust in
the system and browser stores, a PeerJS-compatible signaling server over
HTTPS/WSS, and config snippets for the tools on both sides of a realtime app.

Start with:  rtdev init   then   rtdev serve`,
		SilenceErrors: true,
		SilenceUsage:  true,
		Args:          noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return cmd.Help()
		},
	}
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return usageErr(fmt.Sprintf("run %q for the flags it takes", c.CommandPath()+" --help"), "%v", err)
	})
	root.AddCommand(
		newCmdInit(a),
		newCmdCert(a),
		newCmdCA(a),
		newCmdServe(a),
		newCmdProxy(a),
		newCmdTrust(a),
		newCmdSnippet(a),
		newCmdEnv(a),
		newCmdDoctor(a),
		newCmdVersion(a),
		newCmdCompletion(a),
	)
	return root
}

// noArgs rejects positional arguments (and unknown subcommands) with exit 2.
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	if cmd.HasSubCommands() {
		return usageErr(fmt.Sprintf("run %q to see the commands", cmd.CommandPath()+" --help"),
			"unknown command %q for %q", args[0], cmd.CommandPath())
	}
	return usageErr(fmt.Sprintf("run %q", cmd.CommandPath()+" --help"),
		"%s takes no arguments, got %q", cmd.CommandPath(), args[0])
}

// exactArgs is cobra.ExactArgs with exit status 2 and a hint.
func exactArgs(n int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != n {
			return usageErr(fmt.Sprintf("run %q", cmd.CommandPath()+" --help"),
				"%s takes %d argument(s), got %d", cmd.CommandPath(), n, len(args))
		}
		return nil
	}
}

package cmd

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/rtdev/rtdev/internal/version"
)

func newCmdVersion(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print rtdev's version",
		Long: `Print rtdev's version: the release it was built as (make dist VERSION=...),
else what git describe said at build time, else the module version go install
recorded. A second line names the module version when the Go toolchain
recorded one; "development build" marks a build that is not a release.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			v := version.String()
			line := "rtdev " + v
			if version.IsDev(v) {
				line += " (development build)"
			}
			if m := version.Module(); m != "" {
				line += "\nmodule " + version.ModulePath + " " + m
			}
			_, err := fmt.Fprintln(a.io.Out, line)
			return err
		},
	}
}

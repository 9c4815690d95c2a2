package cmd

import (
	"github.com/spf13/cobra"
)

func newCmdCompletion(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "completion bash|zsh|fish|powershell",
		Short: "Print a shell completion script",
		Long: `Print a completion script for your shell. For example:

  rtdev completion bash > /etc/bash_completion.d/rtdev
  rtdev completion zsh > "${fpath[1]}/_rtdev"
  rtdev completion fish > ~/.config/fish/completions/rtdev.fish`,
		ValidArgs: []string{"bash", "zsh", "fish", "powershell"},
		Args:      exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			root := cmd.Root()
			switch args[0] {
			case "bash":
				return root.GenBashCompletionV2(a.io.Out, true)
			case "zsh":
				return root.GenZshCompletion(a.io.Out)
			case "fish":
				return root.GenFishCompletion(a.io.Out, true)
			case "powershell":
				return root.GenPowerShellCompletionWithDesc(a.io.Out)
			}
			return usageErr("run \"rtdev completion --help\"", "unknown shell %q: choose bash, zsh, fish or powershell", args[0])
		},
	}
}

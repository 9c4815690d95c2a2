package main

import (
	"os"

	"github.com/rtdev/rtdev/cmd"
)

func main() { os.Exit(cmd.Main()) }

// Command showcaster is a desktop broadcast studio for live selling.
package main

import (
	"os"

	"showcaster/cli"
	"showcaster/remote"
	"showcaster/ui"
)

func main() {
	args := os.Args[1:]
	if len(args) == 0 || args[0] == "studio" {
		os.Exit(ui.Main(args, remote.ForStudio))
	}
	os.Exit(cli.Main(args, os.Stdout, os.Stderr))
}

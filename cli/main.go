package cli

import (
	"fmt"
	"io"
)

// Main runs a headless subcommand and returns the process exit code.
// The studio window itself starts from package ui.
func Main(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprintln(stderr, usage)
		return 2
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "live":
		return runLive(rest, stdout, stderr)
	case "devices":
		return runDevices(rest, stdout, stderr)
	case "platform":
		return runPlatform(rest, stdout, stderr)
	case "shows":
		return runShows(rest, stdout, stderr)
	case "products":
		return runProducts(rest, stdout, stderr)
	case "snapshot":
		return runSnapshot(rest, stdout, stderr)
	case "anchor":
		return runAnchor(rest, stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprintln(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "showcaster: unknown command %q\n%s\n", cmd, usage)
		return 2
	}
}

const usage = `usage: showcaster [command] [flags]

  (no command)   open the studio window
  live           publish the program headless (WHIP, RTMP(S), a platform show; several at once)
  devices        list cameras, microphones and screens
  platform       run the local platform server
  shows          create and list show plans on a platform
  products       import, export and list the product catalogue
  snapshot       render one program frame with overlays to a PNG
  anchor         the anchor level on a platform (sessions, buyers, fans) and the way up

Run 'showcaster COMMAND -h' for a command's flags.`

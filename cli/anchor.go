package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"text/tabwriter"
	"time"

	"showcaster/app"
	"showcaster/platform"
)

// runAnchor prints the anchor's level on a platform and the way to the next one.
func runAnchor(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("showcaster anchor", flag.ContinueOnError)
	fs.SetOutput(stderr)
	base := fs.String("platform", envOr("SHOWCASTER_PLATFORM", "http://127.0.0.1:8089"), "platform base URL (env SHOWCASTER_PLATFORM)")
	token := fs.String("token", os.Getenv("SHOWCASTER_TOKEN"), "studio token (env SHOWCASTER_TOKEN)")
	category := fs.String("category", "", "consumer or industrial goods (default: the platform's)")
	asJSON := fs.Bool("json", false, "print JSON")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c := platform.NewClient(platform.ClientConfig{BaseURL: *base, Token: *token})
	st, err := c.Anchor(ctx, *category)
	if err != nil {
		fmt.Fprintf(stderr, "showcaster anchor: %v\n", err)
		return 1
	}
	if *asJSON {
		return printJSON(stdout, stderr, st)
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	for _, l := range app.AnchorLines(st) {
		fmt.Fprintf(tw, "%s\t%s\n", l[0], l[1])
	}
	tw.Flush()
	return 0
}

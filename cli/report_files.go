package cli

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"

	"showcaster/app"
	"showcaster/platform"
)

// writeReportFiles draws the report's charts to pngPath and writes its CSV to
// csvPath (either may be empty); it returns the exit code.
func writeReportFiles(ctx context.Context, c *platform.Client, r app.Report, pngPath, csvPath string, stderr io.Writer) int {
	if pngPath != "" {
		title := r.ShowID
		if sh, err := c.Show(ctx, r.ShowID); err == nil {
			title = sh.Title
		}
		img, err := app.ReportPNG(r, title)
		if err != nil {
			fmt.Fprintf(stderr, "showcaster shows report: %v\n", err)
			return 1
		}
		if err := os.WriteFile(pngPath, img, 0o644); err != nil {
			fmt.Fprintf(stderr, "showcaster shows report: write %s: %v\n", pngPath, err)
			return 1
		}
	}
	if csvPath != "" {
		var b bytes.Buffer
		if err := app.WriteReportCSV(&b, r); err != nil {
			fmt.Fprintf(stderr, "showcaster shows report: %v\n", err)
			return 1
		}
		if err := os.WriteFile(csvPath, b.Bytes(), 0o644); err != nil {
			fmt.Fprintf(stderr, "showcaster shows report: write %s: %v\n", csvPath, err)
			return 1
		}
	}
	return 0
}

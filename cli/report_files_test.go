package cli

import (
	"bytes"
	"context"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"showcaster/internal/testplatform"
)

func TestShowsReportPNGAndCSV(t *testing.T) {
	srv, c := testplatform.Start(t)
	sh := testplatform.ApprovedShow(t, c, "报告图表")
	if _, err := c.GoLive(context.Background(), sh.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := c.End(context.Background(), sh.ID); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	pngPath, csvPath := filepath.Join(dir, "r.png"), filepath.Join(dir, "r.csv")
	var out, errOut bytes.Buffer
	if code := Main([]string{"shows", "report", "--platform", srv.URL(), "--token", srv.StudioToken(), "--show", sh.ID,
		"--png", pngPath, "--csv", csvPath}, &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	f, err := os.Open(pngPath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := png.DecodeConfig(f); err != nil {
		t.Fatalf("the PNG does not decode: %v", err)
	}
	csv, err := os.ReadFile(csvPath)
	if err != nil || !strings.HasPrefix(string(csv), "show_id,viewers,") || !strings.Contains(string(csv), sh.ID+",0,") {
		t.Fatalf("CSV (%v):\n%s", err, csv)
	}
}

package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"showcaster/internal/rtmptest"
	"showcaster/internal/testplatform"
)

// `showcaster live` to the platform over WHIP and to two RTMP streams, one
// of whose keys the server refuses: the run goes on with the others, prints
// an outputs array, and exits non-zero naming the refused destination.
func TestLiveSeveralDestinations(t *testing.T) {
	srv := rtmptest.Start(t)
	srv.Refuse("stolen")
	_, client := testplatform.Start(t)
	sh := testplatform.ApprovedShow(t, client, "multistream")
	ing, err := client.GoLive(context.Background(), sh.ID)
	if err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	code := Main([]string{"live", "--size", "320x180", "--bitrate", "800k", "--duration", "4s", "--stats-json",
		"--whip", ing.WHIPURL, "--token", ing.Token,
		"--rtmp", srv.URL("live") + "/good?expire=4102444800&sign=abc",
		"--rtmp", srv.URL("live") + "/stolen"}, &stdout, &stderr)
	if code == 0 {
		t.Fatalf("exit 0 with a refused key; stderr:\n%s", stderr.String())
	}
	var refusedLines int
	for _, l := range strings.Split(stderr.String(), "\n") {
		if strings.HasPrefix(l, "showcaster live: rtmp 127.0.0.1") && strings.Contains(l, "refused the stream key") {
			refusedLines++
		}
		if strings.Contains(l, "sign=abc") {
			t.Fatalf("stderr shows a key: %s", l)
		}
	}
	if refusedLines != 1 {
		t.Fatalf("want one line for the refused destination; stderr:\n%s", stderr.String())
	}
	var last liveStatsLine
	sc := bufio.NewScanner(&stdout)
	lines := 0
	for sc.Scan() {
		if err := json.Unmarshal(sc.Bytes(), &last); err != nil {
			t.Fatalf("bad JSON line %q: %v", sc.Text(), err)
		}
		lines++
	}
	if lines < 2 || len(last.Outputs) != 2 {
		t.Fatalf("%d lines, last %+v", lines, last)
	}
	for _, o := range last.Outputs {
		if o.State != "live" || o.FramesSent == 0 || o.EncoderKbps != 800 {
			t.Fatalf("output %+v", o)
		}
	}
	if last.State != "live" || last.FramesSent == 0 {
		t.Fatalf("top-level keys %+v", last.statsLine)
	}
	if strings.Contains(stdout.String(), "sign=abc") {
		t.Fatal("stats show a key")
	}
}

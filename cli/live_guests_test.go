package cli

import (
	"bufio"
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"showcaster/internal/testplatform"
)

// TestLiveInvitesGuest: `live --invite-guest NAME` prints the guest's link as
// the first JSON line, before the stats; the link opens the guest's page.
func TestLiveInvitesGuest(t *testing.T) {
	srv, client := testplatform.Start(t)
	sh := testplatform.ApprovedShow(t, client, "连麦命令行 guest CLI")
	var stdout syncBuffer
	var stderr bytes.Buffer
	done := make(chan int, 1)
	go func() {
		done <- Main([]string{"live", "--platform", srv.URL(), "--token", srv.StudioToken(), "--show", sh.ID,
			"--size", "640x360", "--fps", "15", "--bitrate", "500k", "--duration", "3s", "--stats-json",
			"--invite-guest", "小李", "--guest-layout", "side"}, &stdout, &stderr)
	}()
	var code int
	select {
	case code = <-done:
	case <-time.After(60 * time.Second):
		t.Fatalf("live did not stop; stderr: %s", stderr.String())
	}
	if code != 0 {
		t.Fatalf("live exited %d: %s", code, stderr.String())
	}
	sc := bufio.NewScanner(strings.NewReader(stdout.String()))
	if !sc.Scan() {
		t.Fatalf("no output: %s", stderr.String())
	}
	var first struct {
		Guest struct{ ID, Name, URL string } `json:"guest"`
	}
	if err := json.Unmarshal(sc.Bytes(), &first); err != nil || first.Guest.ID == "" || first.Guest.Name != "小李" ||
		!strings.HasPrefix(first.Guest.URL, srv.URL()+"/guest/"+sh.ID+"/") {
		t.Fatalf("first line %q: want the guest's JSON (%v)", sc.Text(), err)
	}
	if !sc.Scan() || !strings.Contains(sc.Text(), `"state"`) {
		t.Fatalf("second line %q: want the stats", sc.Text())
	}
	// The show ended with the run: the guest's link is gone.
	res, err := http.Get(first.Guest.URL)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusNotFound {
		t.Fatalf("the guest link after the show: %d", res.StatusCode)
	}
}

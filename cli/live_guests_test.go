package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"showcaster/guest"
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

// TestLiveJoinsAsGuest: `live --join-guest LINK` sends this studio's program
// to another studio's show as its guest; the other studio receives it.
func TestLiveJoinsAsGuest(t *testing.T) {
	srv, client := testplatform.Start(t)
	sh := testplatform.ApprovedShow(t, client, "两个直播间 CLI")
	if _, err := client.GoLive(context.Background(), sh.ID); err != nil {
		t.Fatal(err)
	}
	g, err := client.InviteGuest(context.Background(), sh.ID, "B 直播间")
	if err != nil {
		t.Fatal(err)
	}
	rx, err := guest.Start(guest.Config{WHEPURL: client.GuestWHEPURL(sh.ID, g.ID), Token: srv.StudioToken(), Name: g.Name})
	if err != nil {
		t.Fatal(err)
	}
	defer rx.Close()
	var stdout syncBuffer
	var stderr bytes.Buffer
	done := make(chan int, 1)
	go func() {
		done <- Main([]string{"live", "--join-guest", g.URL, "--size", "640x360", "--fps", "30", "--bitrate", "800k", "--duration", "12s"}, &stdout, &stderr)
	}()
	end := time.Now().Add(60 * time.Second)
	for rx.Stats().Frames < 30 {
		if time.Now().After(end) {
			t.Fatalf("the other studio received %d frames; stderr: %s", rx.Stats().Frames, stderr.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	if s := rx.Stats(); s.Width != 640 || s.Height != 360 {
		t.Fatalf("received %dx%d, want this studio's 640x360 program", s.Width, s.Height)
	}
	// Removing the guest ends the link; the run goes on until its duration without failing.
	if err := client.RemoveGuest(context.Background(), sh.ID, g.ID); err != nil {
		t.Fatal(err)
	}
	if code := <-done; code != 0 {
		t.Fatalf("live exited %d: %s", code, stderr.String())
	}
}

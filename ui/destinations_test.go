package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"showcaster/app"
)

// The fake studio keeps the destinations in memory.
var fakeDestinations struct {
	sync.Mutex
	m map[*fakeStudio][]app.DestinationSpec
}

func (f *fakeStudio) DestinationList() []app.DestinationSpec {
	fakeDestinations.Lock()
	defer fakeDestinations.Unlock()
	return append([]app.DestinationSpec(nil), fakeDestinations.m[f]...)
}

func (f *fakeStudio) SaveDestinations(l []app.DestinationSpec) error {
	fakeDestinations.Lock()
	defer fakeDestinations.Unlock()
	if fakeDestinations.m == nil {
		fakeDestinations.m = map[*fakeStudio][]app.DestinationSpec{}
	}
	fakeDestinations.m[f] = append([]app.DestinationSpec(nil), l...)
	return nil
}

func (f *fakeStudio) TestDestination(ctx context.Context, s app.DestinationSpec) app.DestinationTest {
	if strings.Contains(s.URL, "refuse") {
		return app.DestinationTest{Err: fmt.Errorf("%s: %w", s.Name, app.ErrRTMPRefused)}
	}
	return app.DestinationTest{FramesSent: 90, FPS: 30, Kbps: 2500, Connect: 40 * time.Millisecond}
}

func TestDestinationsWindowAddEditRemoveTest(t *testing.T) {
	a := test.NewApp()
	defer a.Quit()
	fs := newFakeStudio()
	var saved []app.DestinationSpec
	d := newDestinationsWindow(a, fs, func(l []app.DestinationSpec) { saved = l })
	// Results from the background come to this goroutine, as the window's
	// pump brings them to the UI thread: the test reads labels safely.
	posted := make(chan func(), 16)
	d.post = func(f func()) { posted <- f }
	d.win.Show()
	waitLabel := func(t *testing.T, what string, get func() string, ok func(string) bool) string {
		t.Helper()
		end := time.Now().Add(10 * time.Second)
		for {
			select {
			case f := <-posted:
				f()
			default:
			}
			if v := get(); ok(v) {
				return v
			} else if time.Now().After(end) {
				t.Fatalf("%s: still %q", what, v)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}

	// Add Douyin from its preset, with a key that has expired.
	var douyin string
	for _, o := range d.add.Options {
		if strings.Contains(o, "Douyin") {
			douyin = o
		}
	}
	d.add.SetSelected(douyin)
	if d.form == nil || !strings.Contains(d.form.name.Text, "抖音") {
		t.Fatalf("the Douyin preset did not open the form: %+v", d.form)
	}
	if !d.form.key.Password {
		t.Fatal("the key field shows the key")
	}
	expired := fmt.Sprintf("rtmp://push-rtmp-l6.douyincdn.com/third/stream-123?expire=%d&sign=5ecret5ign", time.Now().Add(-time.Hour).Unix())
	d.form.addr.SetText(expired) // pasted
	if d.form.addr.Text != "rtmp://push-rtmp-l6.douyincdn.com/third" || !strings.HasPrefix(d.form.key.Text, "stream-123?expire=") {
		t.Fatalf("the pasted key stayed in the address field: %q / %q", d.form.addr.Text, d.form.key.Text)
	}
	test.Tap(d.form.save)
	if !strings.Contains(d.form.msg.Text, "expired") || len(fs.DestinationList()) != 0 {
		t.Fatalf("an expired key was saved (message %q)", d.form.msg.Text)
	}
	d.form.key.SetText(strings.Replace(d.form.key.Text, fmt.Sprint(time.Now().Add(-time.Hour).Unix()), fmt.Sprint(time.Now().Add(24*time.Hour).Unix()), 1))
	test.Tap(d.form.save)
	list := fs.DestinationList()
	if len(list) != 1 || list[0].Kind != app.DestRTMP || !list[0].Enabled || list[0].MaxKbps != 6000 || len(saved) != 1 {
		t.Fatalf("saved %+v", list)
	}
	row := destinationLine(list[0])
	if strings.Contains(row, "5ecret5ign") || strings.Contains(row, "stream-123") || !strings.Contains(row, "push-rtmp-l6.douyincdn.com/third") {
		t.Fatalf("the list row shows the key or not the server: %q", row)
	}

	// A custom RTMP server with a key the server refuses: Test says so.
	d.add.SetSelected(d.add.Options[0])
	test.Type(d.form.name, "Backup")
	test.Type(d.form.key, "k-123456789")
	test.Type(d.form.addr, "rtmp://127.0.0.1/refuse")
	test.Tap(d.form.save)
	if n := len(fs.DestinationList()); n != 2 {
		t.Fatalf("%d destinations", n)
	}
	d.list.Select(1)
	test.Tap(d.testB)
	waitLabel(t, "the refused test", func() string { return d.status.Text }, func(s string) bool { return strings.Contains(s, "refused the stream key") })
	d.list.Select(0)
	test.Tap(d.testB)
	waitLabel(t, "the good test", func() string { return d.status.Text }, func(s string) bool { return strings.Contains(s, "works") })

	// Remove the second one.
	d.list.Select(1)
	test.Tap(d.removeB)
	if l := fs.DestinationList(); len(l) != 1 || l[0].Name == "Backup" {
		t.Fatalf("after remove: %+v", l)
	}
}

func TestDestinationsHealthLine(t *testing.T) {
	test.NewApp()
	text, hl := destinationsLine(app.DestinationsUpdate{Items: []app.DestinationStatus{
		{Name: "Douyin", State: app.DestLive, FPS: 30},
		{Name: "YouTube", State: app.DestReconnecting, Reconnects: 2},
		{Name: "Bilibili", State: app.DestStopped, Err: fmt.Errorf("x: %w", app.ErrRTMPRefused)},
	}})
	for _, want := range []string{"Douyin: live 30 fps", "YouTube: reconnecting (attempt 2)", "Bilibili: stopped", "refused the stream key"} {
		if !strings.Contains(text, want) {
			t.Errorf("health line %q lacks %q", text, want)
		}
	}
	if hl != app.HealthBad {
		t.Errorf("health %v with a refused key", hl)
	}
	if text, _ := destinationsLine(app.DestinationsUpdate{}); text != "" {
		t.Errorf("no destinations: %q", text)
	}
	if !errors.Is(fmt.Errorf("w: %w", app.ErrRTMPRefused), app.ErrRTMPRefused) {
		t.Fatal("errors")
	}
}

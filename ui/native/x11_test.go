//go:build linux && cgo

package native

import (
	"bufio"
	"fmt"
	"image"
	"image/color"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// xvfb starts a virtual X display of the test's own and points DISPLAY at it.
func xvfb(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("Xvfb"); err != nil {
		if _, ci := os.LookupEnv("CI"); ci {
			t.Fatal("Xvfb is required under CI: `make deps` installs it")
		}
		t.Skip("Xvfb is missing (`make deps` installs it)")
	}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("Xvfb", "-displayfd", "3", "-screen", "0", "320x240x24", "-nolisten", "tcp")
	cmd.ExtraFiles = []*os.File{w}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	w.Close()
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	got := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(r).ReadString('\n')
		got <- strings.TrimSpace(line)
	}()
	select {
	case n := <-got:
		if n == "" {
			t.Fatal("Xvfb did not say which display it serves")
		}
		t.Setenv("DISPLAY", ":"+n)
	case <-time.After(20 * time.Second):
		t.Fatal("Xvfb did not start within 20 s")
	}
}

func solid(w, h int, c color.RGBA) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := 0; i < len(img.Pix); i += 4 {
		img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = c.R, c.G, c.B, c.A
	}
	return img
}

// A surface shows its picture over the parent where it is placed, lets
// the parent show through its holes, follows a new place and a new size,
// and uncovers the parent when hidden: what the studio window relies on.
func TestSurfaceOnARealServer(t *testing.T) {
	xvfb(t)
	d, err := Open()
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	const white = 0xffffff
	parent := d.topLevel(200, 150, white)
	s, err := d.NewSurface(parent, "test picture")
	if err != nil {
		t.Fatal(err)
	}
	at := func(x, y int) string { return fmt.Sprintf("%06x", d.pixel(parent, x, y)) }

	if err := s.Place(image.Rect(10, 10, 50, 40), []image.Rectangle{image.Rect(20, 15, 30, 25)}); err != nil {
		t.Fatal(err)
	}
	if got := at(12, 12); got != "ffffff" {
		t.Errorf("placed but not yet drawn, the surface shows %s; want the parent (ffffff)", got)
	}
	if err := s.Draw(solid(40, 30, color.RGBA{0xd0, 0x10, 0x20, 0xff})); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		x, y int
		want string
	}{
		{12, 12, "d01020"}, {49, 39, "d01020"}, // the picture, corner to corner
		{25, 20, "ffffff"},                   // the hole
		{5, 5, "ffffff"}, {50, 40, "ffffff"}, // beside it
	} {
		if got := at(c.x, c.y); got != c.want {
			t.Errorf("pixel (%d,%d) is %s, want %s", c.x, c.y, got, c.want)
		}
	}
	if !s.Shown() {
		t.Error("drawn but not shown")
	}

	// Moved and resized, without a hole, with a picture of the new size.
	if err := s.Place(image.Rect(100, 60, 160, 100), nil); err != nil {
		t.Fatal(err)
	}
	if err := s.Draw(solid(60, 40, color.RGBA{0x10, 0xc0, 0x30, 0xff})); err != nil {
		t.Fatal(err)
	}
	if got := at(130, 80); got != "10c030" {
		t.Errorf("after the move the picture shows %s, want 10c030", got)
	}
	if got := at(12, 12); got != "ffffff" {
		t.Errorf("the old place shows %s after the move, want the parent", got)
	}

	s.Hide()
	if got := at(130, 80); got != "ffffff" {
		t.Errorf("hidden, the surface still shows %s", got)
	}
	if s.Shown() {
		t.Error("hidden but reported shown")
	}
	// The next picture brings it back.
	if err := s.Draw(solid(60, 40, color.RGBA{0x20, 0x30, 0xe0, 0xff})); err != nil {
		t.Fatal(err)
	}
	if got := at(130, 80); got != "2030e0" {
		t.Errorf("drawn again after hiding, the surface shows %s, want 2030e0", got)
	}
	s.Close()
	if got := at(130, 80); got != "ffffff" {
		t.Errorf("closed, the surface still shows %s", got)
	}
}

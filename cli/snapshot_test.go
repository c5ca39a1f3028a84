package cli

import (
	"bytes"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"showcaster/scene/overlay"
)

// deskFont is the CJK font `make deps` installs.
const deskFont = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"

func TestSnapshotRendersCardAndBulletin(t *testing.T) {
	if _, err := os.Stat(deskFont); err != nil {
		t.Skip("install fonts-wqy-microhei (make deps)")
	}
	dir := t.TempDir()
	csvPath := filepath.Join(dir, "p.csv")
	os.WriteFile(csvPath, []byte("link_no,title,price,original_price,coupon\n3,手工陶瓷马克杯,59.9,129,满99减20\n"), 0o644)
	var out, errb bytes.Buffer
	if rc := Main([]string{"products", "import", csvPath, "--data", dir}, &out, &errb); rc != 0 {
		t.Fatalf("import: %s", errb.String())
	}
	plain := filepath.Join(dir, "plain.png")
	withCard := filepath.Join(dir, "card.png")
	for _, args := range [][]string{
		{"snapshot", "--data", dir, "--source", "test", "--size", "1280x720", "--out", plain},
		{"snapshot", "--data", dir, "--source", "test", "--product", "3", "--bulletin", "拍3号链接 立减20元", "--font", deskFont,
			"--size", "1280x720", "--corner", "br", "--out", withCard},
	} {
		errb.Reset()
		if rc := Main(args, &out, &errb); rc != 0 {
			t.Fatalf("%v: rc=%d %s", args, rc, errb.String())
		}
	}
	a, b := readPNG(t, plain), readPNG(t, withCard)
	if b.Bounds() != image.Rect(0, 0, 1280, 720) {
		t.Fatalf("size %v", b.Bounds())
	}
	// The card sits in the bottom-right corner: its white face is there in
	// the snapshot and not in the plain frame.
	m := overlay.Margin(720) + overlay.ShadowPad(720)
	probe := image.Pt(1280-m-20, 720-m-20)
	if r, g, bl, _ := b.At(probe.X, probe.Y).RGBA(); r>>8 < 240 || g>>8 < 240 || bl>>8 < 240 {
		t.Fatalf("card face at %v is %d,%d,%d; want white", probe, r>>8, g>>8, bl>>8)
	}
	if a.At(probe.X, probe.Y) == b.At(probe.X, probe.Y) {
		t.Fatal("plain frame has the same pixel as the card face")
	}
	errb.Reset()
	if rc := Main([]string{"snapshot", "--data", dir, "--product", "99", "--out", filepath.Join(dir, "x.png")}, &out, &errb); rc == 0 ||
		!strings.Contains(errb.String(), "showcaster products list") {
		t.Fatalf("unknown product: rc=%d %q", rc, errb.String())
	}
}

func readPNG(t *testing.T, path string) image.Image {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

package overlay

import (
	"bytes"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden images in testdata/")

// goldenFont pins the font so goldens do not change with what else is installed.
const goldenFont = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"

func testRenderer(t testing.TB) *Renderer {
	t.Helper()
	if _, err := os.Stat(goldenFont); err != nil {
		t.Skipf("golden images are drawn with %s: install fonts-wqy-microhei (make deps)", goldenFont)
	}
	fs, err := NewFonts(FontConfig{Paths: []string{goldenFont}, NoSystem: true})
	if err != nil {
		t.Fatal(err)
	}
	return NewRenderer(fs)
}

// testPhoto is a product photo drawn in code: a mug on a pastel backdrop.
func testPhoto() image.Image {
	img := image.NewRGBA(image.Rect(0, 0, 400, 300))
	for y := 0; y < 300; y++ {
		for x := 0; x < 400; x++ {
			img.SetRGBA(x, y, color.RGBA{uint8(250 - y/6), uint8(225 + x/20), uint8(215 + y/10), 255})
		}
	}
	fillRound(img, frect{130, 90, 250, 250}, 18, rgba(233, 84, 107, 1), nil)
	strokeRound(img, frect{225, 125, 295, 205}, 30, 14, rgba(233, 84, 107, 1))
	fillRound(img, frect{150, 100, 170, 230}, 8, rgba(255, 255, 255, 0.35), nil)
	return img
}

var sizes = []image.Point{{1280, 720}, {1920, 1080}}

func cardFixture() Card {
	return Card{
		LinkNo:             3,
		Title:              "【直播间专享】手工陶瓷马克杯 大容量480ml 送杯盖和勺子",
		Image:              testPhoto(),
		PriceCents:         5990,
		OriginalPriceCents: 12900,
		Currency:           "CNY",
		Coupon:             "满99减20 · 限今晚",
		SellingPoints:      []string{"可进微波炉", "不挂杯", "礼盒包装"},
	}
}

func TestGoldenProductCard(t *testing.T) {
	r := testRenderer(t)
	for _, sz := range sizes {
		checkGolden(t, fmt.Sprintf("card_%dp.png", sz.Y), r.ProductCard(cardFixture(), sz.X, sz.Y))
	}
	sold := cardFixture()
	sold.SoldOut = true
	sold.Image = nil
	sold.Coupon = ""
	sold.Title = "蚕丝被 200×230cm"
	sold.PriceCents, sold.OriginalPriceCents = 129900, 259900
	checkGolden(t, "card_soldout_720p.png", r.ProductCard(sold, 1280, 720))
	// Latin and Chinese in one title: one weight throughout.
	mixed := cardFixture()
	mixed.Title = "Nike 运动鞋 Air Max 跑步鞋 男款"
	checkGolden(t, "card_mixed_720p.png", r.ProductCard(mixed, 1280, 720))
}

func TestGoldenBulletin(t *testing.T) {
	r := testRenderer(t)
	for _, sz := range sizes {
		checkGolden(t, fmt.Sprintf("bulletin_%dp.png", sz.Y), r.Bulletin("拍1号链接 立减20元，今晚8点前下单送运费险！", sz.X, sz.Y))
	}
}

func TestGoldenCommentHighlight(t *testing.T) {
	r := testRenderer(t)
	checkGolden(t, "comment_720p.png", r.CommentHighlight("小鹿乱撞", "主播，这个杯子能放洗碗机吗？我想买两个送给妈妈和姐姐", 1280, 720))
}

// checkGolden compares img with testdata/name within a small tolerance: font
// rasterisers differ by a level here and there across builds.
func checkGolden(t *testing.T, name string, img *image.RGBA) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		var buf bytes.Buffer
		if err := png.Encode(&buf, img); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("%v; run go test ./scene/overlay -update to create it", err)
	}
	defer f.Close()
	want, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	if want.Bounds() != img.Bounds() {
		t.Fatalf("%s: size %v; golden %v", name, img.Bounds(), want.Bounds())
	}
	const perChannel, share = 24, 0.003
	bad := 0
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			g := color.RGBAModel.Convert(want.At(x, y)).(color.RGBA)
			c := img.RGBAAt(x, y)
			if diff(c.R, g.R) > perChannel || diff(c.G, g.G) > perChannel || diff(c.B, g.B) > perChannel || diff(c.A, g.A) > perChannel {
				bad++
			}
		}
	}
	if limit := int(math.Ceil(share * float64(b.Dx()*b.Dy()))); bad > limit {
		out := filepath.Join(t.TempDir(), name)
		var buf bytes.Buffer
		png.Encode(&buf, img)
		os.WriteFile(out, buf.Bytes(), 0o644)
		t.Fatalf("%s: %d pixels differ (limit %d); got %s; run with -update if the change is intended", name, bad, limit, out)
	}
}

func diff(a, b uint8) int {
	if a > b {
		return int(a - b)
	}
	return int(b - a)
}

func TestGoldenToolkitCards(t *testing.T) {
	r := testRenderer(t)
	lot := Lottery{Prize: "手工陶瓷马克杯", Winners: 3, Help: "评论口令「想要福袋」参与", Left: 47*time.Second + 300*time.Millisecond, Entrants: 128}
	flash := FlashSale{Title: "【直播间专享】手工陶瓷马克杯 大容量480ml", PriceCents: 2990, OriginalPriceCents: 5990, Currency: "CNY", Remaining: 12, Left: 42 * time.Second}
	for _, sz := range sizes {
		checkGolden(t, fmt.Sprintf("lottery_%dp.png", sz.Y), r.LotteryCard(lot, sz.X, sz.Y))
		checkGolden(t, fmt.Sprintf("flash_%dp.png", sz.Y), r.FlashSaleCard(flash, sz.X, sz.Y))
	}
	drawn := lot
	drawn.Drawn, drawn.WinnerNames = true, []string{"小鹿乱撞", "王小明", "Lily"}
	checkGolden(t, "lottery_drawn_720p.png", r.LotteryCard(drawn, 1280, 720))
	checkGolden(t, "greeting_720p.png", r.Greeting("感谢", "小鹿乱撞 送出的小心心 ×3", 1280, 720))
	if got := Countdown(59*time.Second + time.Millisecond); got != "01:00" {
		t.Errorf("Countdown rounds a started second up: %s", got)
	}
}

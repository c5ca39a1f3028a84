package capture

import (
	"flag"
	"image"
	"image/color"
	"image/png"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"showcaster/internal/cputime"
)

var updateGolden = flag.Bool("update", false, "rewrite the golden images in testdata")

// testFace draws a face-like picture: a skin-toned oval with pores and
// blotches, hair, brows, eyes, a nose shadow and lips, on a studio backdrop.
// light scales every colour (1 is a lit studio, 0.4 a dim room).
func testFace(w, h int, light float64) *image.YCbCr {
	rgba := image.NewRGBA(image.Rect(0, 0, w, h))
	rng := rand.New(rand.NewPCG(7, 15))
	cx, cy := float64(w)/2, float64(h)*0.52
	rx, ry := float64(h)*0.27, float64(h)*0.36
	inEllipse := func(x, y, ex, ey, ax, ay float64) float64 {
		dx, dy := (x-ex)/ax, (y-ey)/ay
		return dx*dx + dy*dy
	}
	// Blotches: low-frequency unevenness of the skin.
	type blot struct{ x, y, r, d float64 }
	var blots []blot
	for range 40 {
		blots = append(blots, blot{cx + (rng.Float64()*2-1)*rx, cy + (rng.Float64()*2-1)*ry, 6 + rng.Float64()*18, (rng.Float64()*2 - 1) * 14})
	}
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			fx, fy := float64(x)+0.5, float64(y)+0.5
			// Backdrop: a soft blue-grey gradient.
			r, g, b := 90+40*fy/float64(h), 100+40*fy/float64(h), 120+30*fy/float64(h)
			// Shoulders.
			if inEllipse(fx, fy, cx, float64(h)*1.08, float64(h)*0.55, float64(h)*0.3) < 1 {
				r, g, b = 60, 70, 110
			}
			// Hair behind and above the face.
			if inEllipse(fx, fy, cx, cy-ry*0.25, rx*1.15, ry*1.0) < 1 {
				r, g, b = 40, 28, 22
			}
			if e := inEllipse(fx, fy, cx, cy, rx, ry); e < 1 && !(fy < cy-ry*0.62 && e > 0.35) {
				// Skin with shading towards the edge of the oval.
				shade := 1 - 0.18*e
				r, g, b = 226*shade, 176*shade, 146*shade
				for _, bl := range blots {
					if d := math.Hypot(fx-bl.x, fy-bl.y); d < bl.r {
						k := bl.d * (1 - d/bl.r)
						r, g, b = r+k, g+k*0.8, b+k*0.7
					}
				}
				// Pores and sensor noise.
				n := rng.NormFloat64() * 9
				r, g, b = r+n, g+n, b+n
				// Brows.
				for _, side := range []float64{-1, 1} {
					ex := cx + side*rx*0.42
					if inEllipse(fx, fy, ex, cy-ry*0.28, rx*0.26, ry*0.045) < 1 {
						r, g, b = 55, 38, 30
					}
					// Eyes: white, iris, pupil.
					switch e := inEllipse(fx, fy, ex, cy-ry*0.12, rx*0.2, ry*0.07); {
					case e < 1 && inEllipse(fx, fy, ex, cy-ry*0.12, rx*0.05, rx*0.05) < 1:
						r, g, b = 15, 10, 10
					case e < 1 && inEllipse(fx, fy, ex, cy-ry*0.12, rx*0.1, rx*0.1) < 1:
						r, g, b = 80, 50, 30
					case e < 1:
						r, g, b = 235, 232, 228
					}
				}
				// Nose shadow and lips.
				if inEllipse(fx, fy, cx, cy+ry*0.22, rx*0.12, ry*0.05) < 1 {
					r, g, b = r*0.8, g*0.78, b*0.78
				}
				if inEllipse(fx, fy, cx, cy+ry*0.5, rx*0.32, ry*0.075) < 1 {
					r, g, b = 190, 70, 80
				}
			}
			c := color.RGBA{clampF(r * light), clampF(g * light), clampF(b * light), 255}
			rgba.SetRGBA(x, y, c)
		}
	}
	img, err := ToI420(rgba)
	if err != nil {
		panic(err)
	}
	return img
}

// region statistics of luma over a rectangle.
func lumaStats(img *image.YCbCr, r image.Rectangle) (mean, std float64) {
	var s, s2 float64
	n := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			v := float64(img.Y[y*img.YStride+x])
			s += v
			s2 += v * v
			n++
		}
	}
	mean = s / float64(n)
	return mean, math.Sqrt(s2/float64(n) - mean*mean)
}

func applyBeauty(src *image.YCbCr, b Beauty) *image.YCbCr {
	dst := NewI420(src.Rect.Dx(), src.Rect.Dy())
	NewBeautyFilter(b).Apply(dst, src)
	return dst
}

// Patches of the 640×360 test face: plain cheek skin, and a box across the
// left eye (an edge that must survive).
var (
	cheek  = image.Rect(250, 215, 290, 245)
	eyeBox = image.Rect(240, 150, 300, 170)
)

func TestBeautySmoothFlattensSkinKeepsEdges(t *testing.T) {
	src := testFace(640, 360, 1)
	out := applyBeauty(src, Beauty{Smooth: 80})
	_, before := lumaStats(src, cheek)
	_, after := lumaStats(out, cheek)
	if after > before*0.6 {
		t.Errorf("cheek luma std %.1f → %.1f: the skin is not smoothed", before, after)
	}
	_, eyeBefore := lumaStats(src, eyeBox)
	_, eyeAfter := lumaStats(out, eyeBox)
	if eyeAfter < eyeBefore*0.75 {
		t.Errorf("eye luma std %.1f → %.1f: the eye's edges are lost", eyeBefore, eyeAfter)
	}
}

func TestBeautyBrightenAndLight(t *testing.T) {
	lit := testFace(640, 360, 1)
	dim := testFace(640, 360, 0.4)
	m0, _ := lumaStats(lit, cheek)
	m1, _ := lumaStats(applyBeauty(lit, Beauty{Brighten: 100}), cheek)
	if m1 < m0+5 {
		t.Errorf("brighten: cheek luma %.1f → %.1f", m0, m1)
	}
	d0, _ := lumaStats(dim, cheek)
	d1, _ := lumaStats(applyBeauty(dim, Beauty{Light: 100}), cheek)
	if d1 < d0+20 {
		t.Errorf("light on a dim room: cheek luma %.1f → %.1f", d0, d1)
	}
	l1, _ := lumaStats(applyBeauty(lit, Beauty{Light: 100}), cheek)
	if l1 > m0+3 {
		t.Errorf("light on a lit room should do little: cheek luma %.1f → %.1f", m0, l1)
	}
}

func TestBeautyOffIsIdentity(t *testing.T) {
	src := testFace(320, 180, 1)
	out := applyBeauty(src, Beauty{})
	for i := range src.Y {
		if src.Y[i] != out.Y[i] {
			t.Fatalf("luma %d changed with beauty off", i)
		}
	}
}

func TestBeautyValidate(t *testing.T) {
	for _, tc := range []struct {
		b  Beauty
		ok bool
	}{{Beauty{}, true}, {Beauty{100, 0, 50}, true}, {Beauty{-1, 0, 0}, false}, {Beauty{0, 101, 0}, false}} {
		if err := tc.b.Validate(); (err == nil) != tc.ok {
			t.Errorf("%+v: %v", tc.b, err)
		}
	}
}

// TestBeautyGolden renders the filter's settings on the test face and
// compares them with the images in testdata/beauty (go test -run Golden
// -update rewrites them; look at them before committing).
func TestBeautyGolden(t *testing.T) {
	lit := testFace(640, 360, 1)
	dim := testFace(640, 360, 0.4)
	cases := []struct {
		name string
		src  *image.YCbCr
		b    Beauty
	}{
		{"face", lit, Beauty{}},
		{"smooth", lit, Beauty{Smooth: 70}},
		{"brighten", lit, Beauty{Brighten: 70}},
		{"all", lit, Beauty{Smooth: 70, Brighten: 50, Light: 50}},
		{"dim", dim, Beauty{}},
		{"dim-light", dim, Beauty{Light: 80}},
	}
	for _, tc := range cases {
		got := ToRGBA(applyBeauty(tc.src, tc.b), 0, 0)
		path := filepath.Join("testdata", "beauty", tc.name+".png")
		if *updateGolden {
			f, err := os.Create(path)
			if err != nil {
				t.Fatal(err)
			}
			if err := png.Encode(f, got); err != nil {
				t.Fatal(err)
			}
			f.Close()
			continue
		}
		f, err := os.Open(path)
		if err != nil {
			t.Fatalf("%s: %v (run with -update to create it)", tc.name, err)
		}
		want, err := png.Decode(f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		// A level or two of difference is rounding in math.Pow across
		// machines; more is a change in the filter.
		worst := 0
		for y := 0; y < got.Rect.Dy(); y++ {
			for x := 0; x < got.Rect.Dx(); x++ {
				g := got.RGBAAt(x, y)
				wr, wg, wb, _ := want.At(x, y).RGBA()
				for _, d := range []int{int(g.R) - int(wr>>8), int(g.G) - int(wg>>8), int(g.B) - int(wb>>8)} {
					worst = max(worst, d, -d)
				}
			}
		}
		if worst > 3 {
			t.Errorf("%s differs from %s by up to %d levels", tc.name, path, worst)
		}
	}
}

func TestBeautySourceRecycles(t *testing.T) {
	pat, err := NewTestPatternChecked(TestPatternConfig{Width: 320, Height: 180, FPS: 30})
	if err != nil {
		t.Fatal(err)
	}
	defer pat.Close()
	bs := NewBeautySource(pat, Beauty{Smooth: 50})
	var prev *image.YCbCr
	for range 5 {
		f, err := bs.Read()
		if err != nil {
			t.Fatal(err)
		}
		if prev != nil {
			bs.Recycle(prev)
		}
		prev = f.Image
	}
	bs.SetBeauty(Beauty{})
	if bs.Beauty().On() {
		t.Fatal("beauty still on")
	}
	if _, err := bs.Read(); err != nil {
		t.Fatal(err)
	}
}

// TestBeautyAllocatesNothingPerFrame: after the first frame of a size the
// filter reuses its buffers, whatever the settings.
func TestBeautyAllocatesNothingPerFrame(t *testing.T) {
	src := testFace(320, 180, 0.6)
	dst := NewI420(320, 180)
	f := NewBeautyFilter(Beauty{Smooth: 70, Brighten: 50, Light: 50})
	f.Apply(dst, src)
	settings := []Beauty{{Smooth: 70, Brighten: 50, Light: 50}, {Brighten: 30}, {Smooth: 20}, {}}
	i := 0
	if n := testing.AllocsPerRun(20, func() {
		f.Set(settings[i%len(settings)])
		i++
		f.Apply(dst, src)
	}); n != 0 {
		t.Fatalf("%v allocations a frame", n)
	}
}

// BenchmarkBeauty720p is the filter on one 1280×720 camera frame with every
// setting on (go test ./capture -run '^$' -bench Beauty720p -cpu 1).
func BenchmarkBeauty720p(b *testing.B) { benchBeauty720p(b) }

// BenchmarkBeauty720pPlainGo is the same without the AVX2 loops, as on a
// processor that has none.
func BenchmarkBeauty720pPlainGo(b *testing.B) {
	saved := expandAVX2
	expandAVX2 = false
	defer func() { expandAVX2 = saved }()
	benchBeauty720p(b)
}

func benchBeauty720p(b *testing.B) {
	src := testFace(1280, 720, 0.6)
	dst := NewI420(1280, 720)
	f := NewBeautyFilter(Beauty{Smooth: 70, Brighten: 50, Light: 50})
	f.Apply(dst, src) // the first frame of a size allocates the scratch buffers
	b.SetBytes(int64(len(src.Y)))
	b.ReportAllocs()
	cpu0 := cputime.Self()
	for b.Loop() {
		f.Apply(dst, src)
	}
	// On a shared machine the wall clock counts other programs' turns too;
	// the process's own CPU time per frame is what the filter costs.
	b.ReportMetric(float64((cputime.Self()-cpu0).Nanoseconds())/float64(b.N)/1e6, "cpu-ms/op")
}

// TestBeautyVectorPassMatchesPlainGo: the full-size pass and the whitening
// give the same bytes with and without the AVX2 loops (where the processor
// has them).
func TestBeautyVectorPassMatchesPlainGo(t *testing.T) {
	src := testFace(1278, 718, 0.6)
	for _, b := range []Beauty{{Smooth: 70, Brighten: 50, Light: 50}, {Smooth: 100}, {Smooth: 5, Light: 100}, {Brighten: 100}} {
		withVector := applyBeauty(src, b)
		saved := expandAVX2
		expandAVX2 = false
		plain := applyBeauty(src, b)
		expandAVX2 = saved
		for i := range plain.Y {
			if plain.Y[i] != withVector.Y[i] {
				t.Fatalf("%+v: luma %d differs: %d plain, %d vector", b, i, plain.Y[i], withVector.Y[i])
			}
		}
		for i := range plain.Cb {
			if plain.Cb[i] != withVector.Cb[i] || plain.Cr[i] != withVector.Cr[i] {
				t.Fatalf("%+v: chroma %d differs", b, i)
			}
		}
	}
}

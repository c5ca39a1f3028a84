package cli

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"image"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"showcaster/app"
	"showcaster/app/store"
	"showcaster/capture"
	"showcaster/scene"
	"showcaster/scene/overlay"
)

const snapshotUsage = `usage: showcaster snapshot --out FILE.png [flags]

Renders one program frame with the product card and bulletin, for checks and show covers.

  --source test|image:PATH   the picture under the overlays (default test)
  --product ID|N             put a product's card on air (its id, or its link number N)
  --bulletin TEXT            put a bulletin banner on air
  --size WxH                 canvas size (default 1280x720; up to 1920x1080)
  --corner tl|tr|bl|br       where the card sits (default br)
  --data DIR                 the studio's data folder (default: the app data folder)
  --font FILE                a Chinese-capable font to draw with (default: found on the system)`

func runSnapshot(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("snapshot", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprintln(stderr, snapshotUsage) }
	dataDir := fs.String("data", "", "")
	source := fs.String("source", "test", "")
	productRef := fs.String("product", "", "")
	bulletin := fs.String("bulletin", "", "")
	size := fs.String("size", "1280x720", "")
	cornerName := fs.String("corner", "br", "")
	out := fs.String("out", "", "")
	fontPath := fs.String("font", "", "")
	pos, err := parseFlagsAnywhere(fs, args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	fail := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "showcaster snapshot: "+format+"\n", a...)
		return 1
	}
	if len(pos) > 0 {
		fmt.Fprintf(stderr, "showcaster snapshot: unexpected %q\n%s\n", pos[0], snapshotUsage)
		return 2
	}
	if *out == "" {
		fmt.Fprintf(stderr, "showcaster snapshot: say where to write the picture with --out FILE.png\n")
		return 2
	}
	w, h, err := parseSize(*size)
	if err != nil {
		return fail("%v", err)
	}
	corner, err := overlay.ParseCorner(*cornerName)
	if err != nil {
		return fail("%v", err)
	}

	sc, err := scene.New(scene.Config{Width: w, Height: h})
	if err != nil {
		return fail("%v; use a size such as 1280x720 or 1920x1080", err)
	}
	defer sc.Close()
	src, err := snapshotSource(*source, w, h)
	if err != nil {
		return fail("%v", err)
	}
	sc.SetItems(scene.LayoutItems(scene.LayoutFull, w, h, src, nil))
	defer src.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := sc.WaitReady(ctx); err != nil {
		return fail("the %s source gave no picture in 10 s", *source)
	}

	if *productRef != "" || *bulletin != "" {
		fcfg := overlay.FontConfig{}
		if *fontPath != "" {
			fcfg.Paths = []string{*fontPath}
		}
		fonts, err := overlay.NewFonts(fcfg)
		if err != nil {
			return fail("%v", err)
		}
		dir, err := cmdDataDir(*dataDir)
		if err != nil {
			return fail("%v", err)
		}
		st, err := store.Open(dir)
		if err != nil {
			return fail("%v", err)
		}
		defer st.Close()
		desk, err := app.NewProductDesk(app.ProductDeskConfig{Store: st, Program: sc, Renderer: overlay.NewRenderer(fonts),
			Canvas: image.Pt(w, h), Corner: corner, Slide: -1,
			Emit: func(ev app.Event) {
				if n, ok := ev.(app.Notice); ok {
					if n.Msg != nil {
						fmt.Fprintf(stderr, "showcaster snapshot: %s\n", n.Msg)
					} else {
						fmt.Fprintf(stderr, "showcaster snapshot: %s\n", n.Text)
					}
				}
			}})
		if err != nil {
			return fail("%v", err)
		}
		defer desk.Close()
		if err := desk.Load(""); err != nil {
			return fail("%v", err)
		}
		if *productRef != "" {
			id, err := findProduct(st, *productRef)
			if err != nil {
				return fail("%v", err)
			}
			if err := desk.ExplainNow(id); err != nil {
				return fail("%v", err)
			}
		}
		if *bulletin != "" {
			if err := desk.SetBulletin(*bulletin); err != nil {
				return fail("%v", err)
			}
		}
	}

	frame := sc.RenderOnce()
	defer frame.Release()
	var buf bytes.Buffer
	// The program is limited-range BT.601 (what the encoder sends); Go's
	// YCbCr model reads full range, so convert with the studio's own matrix.
	if err := png.Encode(&buf, capture.ToRGBA(frame.Image, 0, 0)); err != nil {
		return fail("encode PNG: %v", err)
	}
	if err := writeFileAtomic(*out, buf.Bytes()); err != nil {
		return fail("%v; check the folder exists and is writable", err)
	}
	fmt.Fprintf(stdout, "wrote %s (%dx%d)\n", *out, w, h)
	return 0
}

func snapshotSource(spec string, w, h int) (capture.VideoSource, error) {
	switch {
	case spec == "test":
		return capture.NewTestPatternChecked(capture.TestPatternConfig{Width: w, Height: h})
	case strings.HasPrefix(spec, "image:"):
		return capture.NewImageSource(strings.TrimPrefix(spec, "image:"), 30, nil)
	}
	return nil, fmt.Errorf("unknown source %q; use --source test or --source image:PATH", spec)
}

// findProduct takes a product id or a link number (3 or 3号链接).
func findProduct(st *store.Store, ref string) (string, error) {
	if p, err := st.Product(ref); err == nil {
		return p.ID, nil
	}
	n, err := strconv.Atoi(strings.TrimSuffix(strings.TrimSuffix(ref, "链接"), "号"))
	if err == nil {
		if p, err := st.ProductByLinkNo(n); err == nil {
			return p.ID, nil
		}
	}
	return "", fmt.Errorf("no product %q in the catalogue; see the ids with: showcaster products list", ref)
}

// writeFileAtomic writes beside the target and renames, so a failed write
// never leaves half a picture where a good one was.
func writeFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".snapshot-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

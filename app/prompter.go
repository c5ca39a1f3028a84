package app

import (
	"fmt"
	"image"
	"image/color"
	"math"
	"strings"

	"showcaster/app/store"
	"showcaster/scene"
	"showcaster/scene/overlay"
)

// OverlayPrompter is the scene id of the host's cue card when the operator
// chooses to put it on the program. By default it stays off air: the host
// reads it in the teleprompter window or over the preview.
const OverlayPrompter = "prompter"

// CueText is the cue card of the product being explained, as the prompter
// shows it: its link and title as a heading, then the script (or the selling
// points when there is no script). "" when nothing is on air.
func (d *ProductDesk) CueText() string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.cueLocked()
}

func (d *ProductDesk) cueLocked() string {
	i := d.indexLocked(d.onAir)
	if i < 0 {
		return ""
	}
	p := d.products[i]
	body := strings.TrimSpace(p.Script)
	if body == "" {
		body = strings.Join(p.SellingPoints, "\n")
	}
	head := "# " + p.Title
	if p.LinkNo > 0 {
		head = "# " + itoa(p.LinkNo) + "号链接 " + p.Title
	}
	return strings.TrimSpace(head + "\n" + body)
}

func itoa(n int) string {
	var b [20]byte
	i := len(b)
	for n >= 10 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	i--
	b[i] = byte('0' + n)
	return string(b[i:])
}

// SetPrompterOnAir puts the cue card on the program (viewers see it) or
// takes it off. It follows the product on air from then on.
func (d *ProductDesk) SetPrompterOnAir(on bool) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.prompterOnAir = on
	return d.prompterLocked()
}

// PrompterOnAir reports whether the cue card is on the program.
func (d *ProductDesk) PrompterOnAir() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.prompterOnAir
}

// prompterLocked draws the on-air cue card, or removes it: a translucent
// panel at the top on the side away from the product card.
func (d *ProductDesk) prompterLocked() error {
	if d.cfg.Program == nil {
		return nil
	}
	text := d.cueLocked()
	if !d.prompterOnAir || text == "" {
		d.cfg.Program.RemoveOverlay(OverlayPrompter)
		return nil
	}
	cw, ch := d.canvas.X, d.canvas.Y
	page := d.PrompterPage(text, PrompterStyle{Width: cw * 2 / 5, Size: float64(ch) / 27})
	if maxH := ch / 3; page.Rect.Dy() > maxH {
		page = page.SubImage(image.Rect(0, 0, page.Rect.Dx(), maxH)).(*image.RGBA)
	}
	card := image.NewRGBA(image.Rect(0, 0, page.Rect.Dx(), page.Rect.Dy()))
	// Premultiplied: scaling every channel keeps the colours and lets the
	// picture show through.
	for y := 0; y < card.Rect.Dy(); y++ {
		src := page.Pix[y*page.Stride : y*page.Stride+4*card.Rect.Dx()]
		dst := card.Pix[y*card.Stride:]
		for i, v := range src {
			dst[i] = uint8(uint16(v) * 200 / 255)
		}
	}
	m := overlay.Margin(ch)
	at := image.Pt(m, ch/6)
	if !cardOnRight(d.corner) {
		at.X = cw - m - card.Rect.Dx()
	}
	return d.cfg.Program.SetOverlay(scene.Overlay{ID: OverlayPrompter, Image: card, At: at, Z: 90, Visible: true})
}

func cardOnRight(c overlay.Corner) bool {
	return c == overlay.TopRight || c == overlay.BottomRight || c == overlay.CornerUnknown
}

// PromptBoard is the host's script for the loaded show.
func (d *ProductDesk) PromptBoard() (store.PromptBoard, error) {
	d.mu.Lock()
	showID := d.showID
	d.mu.Unlock()
	if showID == "" {
		// The catalogue has no show notes: cue cards of every product.
		b := store.PromptBoard{}
		for _, p := range d.Products() {
			b.Cards = append(b.Cards, store.CueCard{ProductID: p.ID, LinkNo: p.LinkNo, Title: p.Title,
				Script: p.Script, Points: p.SellingPoints})
		}
		return b, nil
	}
	return d.cfg.Store.PromptBoard(showID)
}

// SetNotes changes the show's free notes on the prompt board.
func (d *ProductDesk) SetNotes(notes string) error {
	showID := d.ShowID()
	if showID == "" {
		return fmt.Errorf("notes: %w", ErrNoShow)
	}
	if err := d.cfg.Store.SetShowNotes(showID, notes); err != nil {
		return err
	}
	d.cfg.Emit(ProductsChanged{})
	return nil
}

// PrompterStyle is how the prompter lays a page out.
type PrompterStyle struct {
	Width  int     // pixels
	Size   float64 // character size in pixels
	Mirror bool    // flipped left to right for a beam-splitter glass
	// EndMark, when set, closes the page with a centred grey line (such as
	// "— End —"), so the host sees where the script stops.
	EndMark string
}

// PrompterPage lays text out for the teleprompter: light text on black,
// wrapped to the style's width, one page as tall as the text needs. Lines
// starting with "# " are headings (a product's title) in yellow. Blank lines
// at the end are dropped: the page ends where the text (or the end mark)
// does, so a scroll that stops at the page's end stops on words.
func (d *ProductDesk) PrompterPage(text string, st PrompterStyle) *image.RGBA {
	width := max(st.Width, 64)
	size := max(st.Size, 8)
	fonts := d.cfg.Renderer.Fonts()
	body, head := fonts.Face(size, false), fonts.Face(size, true)
	margin := size * 0.8
	lineH := size * 1.45
	type line struct {
		text    string
		heading bool
	}
	var lines []line
	for _, para := range strings.Split(strings.ReplaceAll(strings.TrimRight(text, " \t\r\n"), "\r\n", "\n"), "\n") {
		heading := strings.HasPrefix(para, "# ")
		f := body
		if heading {
			para, f = strings.TrimPrefix(para, "# "), head
		}
		for _, l := range f.Wrap(para, float64(width)-2*margin, 0) {
			lines = append(lines, line{l, heading})
		}
	}
	n := len(lines)
	if st.EndMark != "" {
		n += 2 // a blank line, then the mark
	}
	h := int(math.Ceil(margin*2 + lineH*float64(n)))
	page := image.NewRGBA(image.Rect(0, 0, width, max(h, 1)))
	for i := 3; i < len(page.Pix); i += 4 {
		page.Pix[i] = 255 // opaque black
	}
	y := margin
	for _, l := range lines {
		f, c := body, color.RGBA{240, 240, 240, 255}
		if l.heading {
			f, c = head, color.RGBA{255, 214, 10, 255}
		}
		f.Draw(page, margin, y+f.CapTop()+(lineH-size)/2, l.text, c)
		y += lineH
	}
	if st.EndMark != "" {
		y += lineH
		mark := body.Ellipsize(st.EndMark, float64(width)-2*margin)
		body.Draw(page, (float64(width)-body.Measure(mark))/2, y+body.CapTop()+(lineH-size)/2, mark, color.RGBA{128, 128, 128, 255})
	}
	if st.Mirror {
		for row := 0; row < page.Rect.Dy(); row++ {
			px := page.Pix[row*page.Stride : row*page.Stride+4*width]
			for a, b := 0, width-1; a < b; a, b = a+1, b-1 {
				pa, pb := px[4*a:4*a+4], px[4*b:4*b+4]
				for k := 0; k < 4; k++ {
					pa[k], pb[k] = pb[k], pa[k]
				}
			}
		}
	}
	return page
}

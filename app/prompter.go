package app

import (
	"image"
	"strings"

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
	page := d.PrompterPage(text, cw*2/5, float64(ch)/27, false)
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

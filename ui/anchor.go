package ui

import (
	"context"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"showcaster/app"
)

// openAnchor shows the anchor's level on the platform and what the next one takes.
func (w *studioWindow) openAnchor() {
	var st app.Anchor
	w.async(func(ctx context.Context) error {
		var err error
		st, err = w.studio.Anchor(ctx)
		return err
	}, func(err error) {
		if err != nil {
			w.fail(lang.L("The anchor level could not be loaded"), err)
			return
		}
		w.anchor = anchorText(st)
		l := widget.NewLabel(w.anchor)
		l.Wrapping = fyne.TextWrapWord
		box := container.NewVBox(l)
		dialog.ShowCustom(lang.L("Anchor level"), lang.L("Close"), container.NewGridWrap(fyne.NewSize(460, 220), box), w.win)
	})
}

func levelName(l string) string {
	switch l {
	case "talent":
		return lang.L("talent anchor")
	case "honour":
		return lang.L("honour anchor")
	default:
		return lang.L("ordinary anchor")
	}
}

// anchorText says the standing in the window's language.
func anchorText(st app.Anchor) string {
	var b strings.Builder
	fmt.Fprintf(&b, lang.L("Level: %s"), levelName(st.Level))
	b.WriteString("\n")
	fmt.Fprintf(&b, lang.L("Last 30 days: %d sessions (more than 15 minutes on air each), %d buyers (one person a day counts once), %d fans"),
		st.Sessions30d, st.Buyers30d, st.Fans)
	if st.Next != nil {
		var parts []string
		for _, n := range st.Next.Needs {
			switch n.What {
			case "sessions":
				parts = append(parts, fmt.Sprintf(lang.L("%d more sessions"), n.More))
			case "buyers":
				parts = append(parts, fmt.Sprintf(lang.L("%d more buyers"), n.More))
			case "fans":
				parts = append(parts, fmt.Sprintf(lang.L("%d more fans"), n.More))
			}
		}
		sep := lang.L(" and ")
		if st.Next.Any {
			sep = lang.L(" or ")
		}
		b.WriteString("\n")
		fmt.Fprintf(&b, lang.L("To %s: %s"), levelName(st.Next.Level), strings.Join(parts, sep))
	}
	for _, f := range st.Flagged {
		b.WriteString("\n")
		fmt.Fprintf(&b, lang.L("%s crossed midnight: its data is split over two days"), f.Title)
	}
	return b.String()
}

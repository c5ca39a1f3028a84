package app

import (
	"context"
	"fmt"
	"strings"

	"showcaster/platform"
)

// AnchorLines are the anchor's standing as label and value, for the CLI and the studio.
func AnchorLines(st platform.Anchor) [][2]string {
	lines := [][2]string{
		{"level", st.Level + " anchor (" + string(st.Category) + " goods)"},
		{"sessions (30 days)", fmt.Sprintf("%d (a broadcast counts past 15 minutes on air)", st.Sessions30d)},
		{"buyers (30 days)", fmt.Sprintf("%d (one person a day counts once)", st.Buyers30d)},
		{"fans", fmt.Sprint(st.Fans)},
	}
	if st.Next != nil {
		lines = append(lines, [2]string{"to " + st.Next.Level, st.Next.Text})
	} else {
		lines = append(lines, [2]string{"next level", "none: this is the highest"})
	}
	for _, f := range st.Flagged {
		lines = append(lines, [2]string{"flagged " + f.ShowID, strings.TrimSpace(f.Title + ": " + f.Reason)})
	}
	return lines
}

// CountsAsSession says whether a show's report counts toward the anchor level:
// more than 15 minutes on air, to the second (a platform that does not report
// seconds is judged by its whole minutes).
func CountsAsSession(r Report) bool {
	if r.OnAirS > 0 {
		return r.OnAirS > 15*60
	}
	return r.EffectiveMin > 15
}

// Anchor asks the platform for the anchor's level and the way to the next one.
func (s *Studio) Anchor(ctx context.Context) (platform.Anchor, error) {
	return s.platformClient().Anchor(ctx, "")
}

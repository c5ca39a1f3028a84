package anchor

import (
	"fmt"
	"testing"
	"time"
)

var shanghai = time.FixedZone("CST", 8*3600)

// now is an afternoon in Shanghai; the window's first day is 30 days back.
var now = time.Date(2026, 11, 30, 15, 0, 0, 0, shanghai)

func at(day, hour, min int) time.Time { return time.Date(2026, 11, day, hour, min, 0, 0, shanghai) }

// sessions makes n broadcasts of the given on-air time, one a day from 1 November.
func sessions(n int, onAir time.Duration) []Broadcast {
	var out []Broadcast
	for i := range n {
		s := at(1+i, 20, 0)
		out = append(out, Broadcast{ShowID: fmt.Sprintf("s%d", i+1), Start: s, End: s.Add(onAir), OnAir: onAir})
	}
	return out
}

// buyers makes n distinct buyers, each buying once on 10 November.
func buyers(n int) []Purchase {
	var out []Purchase
	for i := range n {
		out = append(out, Purchase{ViewerID: fmt.Sprintf("v%d", i), At: at(10, 20, 5)})
	}
	return out
}

func TestSessionCountsOnlyPastFifteenMinutes(t *testing.T) {
	for _, c := range []struct {
		name  string
		onAir time.Duration
		want  bool
	}{
		{"14m59s", 15*time.Minute - time.Second, false},
		{"exactly 15m", 15 * time.Minute, false},
		{"15m01s", 15*time.Minute + time.Second, true},
		{"2h", 2 * time.Hour, true},
		{"never on air", 0, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := Counts(Broadcast{OnAir: c.onAir}); got != c.want {
				t.Errorf("Counts(on air %v) = %v, want %v", c.onAir, got, c.want)
			}
		})
	}
}

func TestStandings(t *testing.T) {
	long := 20 * time.Minute
	for _, c := range []struct {
		name     string
		h        History
		level    string
		sessions int
		buyers   int
		next     string // the progress sentence; "" at the top
		flagged  []string
	}{
		{name: "nothing yet", h: History{},
			level: "ordinary", next: "5 more sessions or 50 more buyers"},
		{name: "four sessions and one short one",
			h:     History{Broadcasts: append(sessions(4, long), Broadcast{ShowID: "short", Start: at(20, 20, 0), End: at(20, 20, 15), OnAir: 15 * time.Minute})},
			level: "ordinary", sessions: 4, next: "1 more session or 50 more buyers"},
		{name: "the guide's example: 3 sessions, 38 buyers",
			h:     History{Broadcasts: sessions(3, long), Purchases: buyers(38)},
			level: "ordinary", sessions: 3, buyers: 38, next: "2 more sessions or 12 more buyers"},
		{name: "five sessions make a talent",
			h:     History{Broadcasts: sessions(5, long)},
			level: "talent", sessions: 5, next: "10 more sessions and 300 more buyers and 500 more fans"},
		{name: "fifty buyers alone make a talent",
			h:     History{Purchases: buyers(50)},
			level: "talent", buyers: 50, next: "15 more sessions and 250 more buyers and 500 more fans"},
		{name: "deleted broadcasts count",
			h: History{Broadcasts: func() []Broadcast {
				b := sessions(5, long)
				for i := range b {
					b[i].Deleted = true
				}
				return b
			}()},
			level: "talent", sessions: 5, next: "10 more sessions and 300 more buyers and 500 more fans"},
		{name: "honour needs all three",
			h:     History{Broadcasts: sessions(15, long), Purchases: buyers(300), Fans: 499},
			level: "talent", sessions: 15, buyers: 300, next: "1 more fan"},
		{name: "honour",
			h:     History{Broadcasts: sessions(15, long), Purchases: buyers(300), Fans: 500},
			level: "honour", sessions: 15, buyers: 300},
		{name: "industrial goods: 20 buyers make a talent",
			h:     History{Category: Industrial, Purchases: buyers(20)},
			level: "talent", buyers: 20, next: "15 more sessions and 80 more buyers and 200 more fans"},
		{name: "industrial goods: honour at 15 sessions, 100 buyers, 200 fans",
			h:     History{Category: Industrial, Broadcasts: sessions(15, long), Purchases: buyers(100), Fans: 200},
			level: "honour", sessions: 15, buyers: 100},
		{name: "industrial goods: 19 buyers are not enough",
			h:     History{Category: Industrial, Purchases: buyers(19)},
			level: "ordinary", buyers: 19, next: "5 more sessions or 1 more buyer"},
		{name: "a broadcast older than 30 days does not count",
			h: History{Broadcasts: []Broadcast{
				{ShowID: "old", Start: time.Date(2026, 10, 31, 23, 0, 0, 0, shanghai), End: time.Date(2026, 10, 31, 23, 40, 0, 0, shanghai), OnAir: 40 * time.Minute},
				{ShowID: "first-day", Start: time.Date(2026, 11, 1, 0, 10, 0, 0, shanghai), End: time.Date(2026, 11, 1, 0, 40, 0, 0, shanghai), OnAir: 30 * time.Minute},
			}},
			level: "ordinary", sessions: 1, next: "4 more sessions or 50 more buyers"},
		{name: "a broadcast across midnight counts and is flagged",
			h: History{Broadcasts: []Broadcast{
				{ShowID: "late", Start: at(12, 23, 30), End: at(13, 0, 30), OnAir: time.Hour},
				{ShowID: "before-midnight", Start: at(14, 23, 0), End: at(14, 23, 59), OnAir: 59 * time.Minute},
			}},
			level: "ordinary", sessions: 2, next: "3 more sessions or 50 more buyers", flagged: []string{"late"}},
		{name: "a show still live past midnight is flagged",
			h: History{Broadcasts: []Broadcast{
				{ShowID: "running", Start: time.Date(2026, 11, 29, 23, 50, 0, 0, shanghai), OnAir: 20 * time.Minute},
			}},
			level: "ordinary", sessions: 1, next: "4 more sessions or 50 more buyers", flagged: []string{"running"}},
		{name: "one buyer three times a day is one; again the next day is two",
			h: History{Purchases: []Purchase{
				{ViewerID: "v1", At: at(10, 20, 0)}, {ViewerID: "v1", At: at(10, 21, 0)}, {ViewerID: "v1", At: at(10, 23, 59)},
				{ViewerID: "v1", At: at(11, 0, 1)},
				{ViewerID: "v2", At: at(10, 20, 30)},
			}},
			level: "ordinary", buyers: 3, next: "5 more sessions or 47 more buyers"},
		{name: "days are the platform's days: 23:30 in Shanghai is the same day as 20:00",
			h: History{Purchases: []Purchase{
				{ViewerID: "v1", At: at(10, 20, 0)}, {ViewerID: "v1", At: at(10, 23, 30).UTC()},
			}},
			level: "ordinary", buyers: 1, next: "5 more sessions or 49 more buyers"},
	} {
		t.Run(c.name, func(t *testing.T) {
			st := Compute(c.h, now, shanghai)
			if st.Level != c.level || st.Sessions30d != c.sessions || st.Buyers30d != c.buyers {
				t.Errorf("level %s, %d sessions, %d buyers; want %s, %d, %d", st.Level, st.Sessions30d, st.Buyers30d, c.level, c.sessions, c.buyers)
			}
			text := ""
			if st.Next != nil {
				text = st.Next.Text
			}
			if text != c.next {
				t.Errorf("next: %q, want %q", text, c.next)
			}
			var flagged []string
			for _, f := range st.Flagged {
				flagged = append(flagged, f.ShowID)
			}
			if fmt.Sprint(flagged) != fmt.Sprint(c.flagged) {
				t.Errorf("flagged %v, want %v", flagged, c.flagged)
			}
		})
	}
}

func TestLevelString(t *testing.T) {
	for l, want := range map[Level]string{Unknown: "unknown", Ordinary: "ordinary", Talent: "talent", Honour: "honour"} {
		if l.String() != want {
			t.Errorf("%d: %q, want %q", l, l.String(), want)
		}
	}
}

func TestParseCategory(t *testing.T) {
	for in, want := range map[string]Category{"": Consumer, "Consumer": Consumer, "industrial": Industrial} {
		if got, err := ParseCategory(in); err != nil || got != want {
			t.Errorf("ParseCategory(%q) = %q, %v", in, got, err)
		}
	}
	if _, err := ParseCategory("toys"); err == nil {
		t.Error("ParseCategory(toys) accepted")
	}
}

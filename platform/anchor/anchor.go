// Package anchor computes an anchor's level from the platform's history, by
// the rules 1688 publishes for its hosts (../../docs/platform-api.md, "Anchor
// levels"): sessions and buyers over the last 30 days, and fans.
//
// It is pure: the platform hands it what happened and the time; nothing here
// reads a clock, a database or the network.
package anchor

import (
	"fmt"
	"strings"
	"time"
)

// Level is an anchor's standing. The zero value is Unknown.
type Level int

const (
	Unknown  Level = iota
	Ordinary       // may open a room and share it with chosen people
	Talent         // may apply for channel events
	Honour         // gets extra traffic
)

func (l Level) String() string {
	switch l {
	case Ordinary:
		return "ordinary"
	case Talent:
		return "talent"
	case Honour:
		return "honour"
	default:
		return "unknown"
	}
}

// Category is the kind of goods an anchor sells; each has its own thresholds.
type Category string

const (
	Consumer   Category = "consumer"
	Industrial Category = "industrial"
)

// ParseCategory accepts "consumer" or "industrial" (any case, "" means consumer).
func ParseCategory(s string) (Category, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "consumer":
		return Consumer, nil
	case "industrial":
		return Industrial, nil
	}
	return "", fmt.Errorf("%w: %q (use consumer or industrial)", ErrCategory, s)
}

// Rule is what one level asks for over the window. Any: reaching one of the
// figures is enough; otherwise all are needed. A zero figure is not asked.
type Rule struct {
	Level    Level
	Sessions int
	Buyers   int
	Fans     int
	Any      bool
}

// Rules are the thresholds of each category, lowest level first. The consumer
// figures are the guide's (talent: ≥ 5 sessions or ≥ 50 buyers; honour: ≥ 15
// sessions and ≥ 300 buyers and ≥ 500 fans). The guide names consumer goods
// only; industrial goods sell in fewer, larger orders, so the platform asks
// the same sessions and fewer buyers and fans of them.
var rules = map[Category][]Rule{
	Consumer: {
		{Level: Talent, Sessions: 5, Buyers: 50, Any: true},
		{Level: Honour, Sessions: 15, Buyers: 300, Fans: 500},
	},
	Industrial: {
		{Level: Talent, Sessions: 5, Buyers: 20, Any: true},
		{Level: Honour, Sessions: 15, Buyers: 100, Fans: 200},
	},
}

// Rules returns a copy of a category's thresholds, lowest level first.
func Rules(c Category) []Rule { return append([]Rule(nil), rules[c]...) }

const (
	// Window is how far back sessions and buyers count.
	WindowDays = 30
	// MinSession is how long a broadcast must be on air to count: more than this.
	MinSession = 15 * time.Minute
)

// Broadcast is one formal broadcast (never a trial) as the platform saw it.
type Broadcast struct {
	ShowID string
	Title  string
	Start  time.Time // went live
	End    time.Time // ended; zero while still live
	// OnAir is how long a publisher was actually sending, to the second.
	OnAir   time.Duration
	Deleted bool // a deleted broadcast still counts
}

// Purchase is one paid order of the formal broadcast.
type Purchase struct {
	ViewerID string
	At       time.Time
}

// History is everything the level is made of.
type History struct {
	Category   Category
	Broadcasts []Broadcast
	Purchases  []Purchase
	Fans       int
}

// Flag marks a broadcast whose data is split: it crossed midnight.
type Flag struct {
	ShowID string `json:"show_id"`
	Title  string `json:"title"`
	Reason string `json:"reason"`
}

// Need is how far one figure is from the next level.
type Need struct {
	What string `json:"what"` // sessions, buyers, fans
	Have int    `json:"have"`
	Need int    `json:"need"`
	More int    `json:"more"`
}

// Next is the level above and what it takes.
type Next struct {
	Level string `json:"level"`
	// Any: one of Needs is enough ("or"); otherwise every one is needed ("and").
	Any   bool   `json:"any"`
	Needs []Need `json:"needs"`
	// Text says it in a sentence: "2 more sessions or 12 more buyers".
	Text string `json:"text"`
}

// Standing is the anchor's level now and the way up (GET /api/anchor).
type Standing struct {
	Level       string    `json:"level"`
	Category    Category  `json:"category"`
	Sessions30d int       `json:"sessions_30d"`
	Buyers30d   int       `json:"buyers_30d"`
	Fans        int       `json:"fans"`
	Next        *Next     `json:"next"`
	Flagged     []Flag    `json:"flagged"`
	Since       time.Time `json:"since"` // the window's first day, at midnight
	At          time.Time `json:"at"`
}

// Counts reports whether a broadcast is a session: on air for more than 15 minutes.
func Counts(b Broadcast) bool { return b.OnAir > MinSession }

// CrossesMidnight reports whether a broadcast ran into another calendar day in loc.
func CrossesMidnight(b Broadcast, now time.Time, loc *time.Location) bool {
	end := b.End
	if end.IsZero() {
		end = now
	}
	sy, sm, sd := b.Start.In(loc).Date()
	ey, em, ed := end.In(loc).Date()
	return sy != ey || sm != em || sd != ed
}

// WindowStart is midnight (in loc) of the first of the 30 calendar days that end today.
func WindowStart(now time.Time, loc *time.Location) time.Time {
	y, m, d := now.In(loc).Date()
	return time.Date(y, m, d-(WindowDays-1), 0, 0, 0, 0, loc)
}

// Compute works out the standing at now; days begin at midnight in loc.
func Compute(h History, now time.Time, loc *time.Location) Standing {
	if loc == nil {
		loc = time.Local
	}
	cat := h.Category
	if _, ok := rules[cat]; !ok {
		cat = Consumer
	}
	since := WindowStart(now, loc)
	st := Standing{Category: cat, Fans: h.Fans, Since: since, At: now, Flagged: []Flag{}}
	for _, b := range h.Broadcasts {
		if b.Start.Before(since) || b.Start.After(now) {
			continue
		}
		if Counts(b) {
			st.Sessions30d++
		}
		if CrossesMidnight(b, now, loc) {
			st.Flagged = append(st.Flagged, Flag{ShowID: b.ShowID, Title: b.Title,
				Reason: "crossed midnight: its data is split over two days"})
		}
	}
	// A buyer is a person on a day: buying three times a day is one buyer,
	// buying again the next day is a second.
	type buyerDay struct {
		viewer string
		day    string
	}
	seen := map[buyerDay]bool{}
	for _, p := range h.Purchases {
		if p.At.Before(since) || p.At.After(now) {
			continue
		}
		seen[buyerDay{p.ViewerID, p.At.In(loc).Format(time.DateOnly)}] = true
	}
	st.Buyers30d = len(seen)

	level := Ordinary
	var next *Rule
	for i, r := range rules[cat] {
		if meets(r, st) {
			level = r.Level
			continue
		}
		next = &rules[cat][i]
		break
	}
	st.Level = level.String()
	if next != nil {
		st.Next = progress(*next, st)
	}
	return st
}

func meets(r Rule, st Standing) bool {
	checks := []bool{}
	if r.Sessions > 0 {
		checks = append(checks, st.Sessions30d >= r.Sessions)
	}
	if r.Buyers > 0 {
		checks = append(checks, st.Buyers30d >= r.Buyers)
	}
	if r.Fans > 0 {
		checks = append(checks, st.Fans >= r.Fans)
	}
	any, all := false, true
	for _, c := range checks {
		any = any || c
		all = all && c
	}
	if r.Any {
		return any
	}
	return all
}

func progress(r Rule, st Standing) *Next {
	n := &Next{Level: r.Level.String(), Any: r.Any, Needs: []Need{}}
	add := func(what string, have, need int) {
		if need <= 0 || (!r.Any && have >= need) {
			return // an "and" rule lists only what is still missing
		}
		n.Needs = append(n.Needs, Need{What: what, Have: have, Need: need, More: max(need-have, 0)})
	}
	add("sessions", st.Sessions30d, r.Sessions)
	add("buyers", st.Buyers30d, r.Buyers)
	add("fans", st.Fans, r.Fans)
	parts := make([]string, 0, len(n.Needs))
	for _, nd := range n.Needs {
		parts = append(parts, NeedText(nd))
	}
	sep := " and "
	if r.Any {
		sep = " or "
	}
	n.Text = strings.Join(parts, sep)
	return n
}

// NeedText says one need in English: "1 more session", "12 more buyers".
func NeedText(n Need) string {
	what := n.What
	if n.More == 1 {
		what = strings.TrimSuffix(what, "s")
	}
	return fmt.Sprintf("%d more %s", n.More, what)
}

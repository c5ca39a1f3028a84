package server

import (
	"testing"

	"showcaster/platform"
)

func TestBookingsBeforeTheShow(t *testing.T) {
	p := newPlatform(t)
	c := ctx(t)
	s := p.approvedShow("双十二预告")
	a, b := p.newViewer(s.ID, ""), p.newViewer(s.ID, "")
	var got platform.Booking
	for i, v := range []*viewer{a, a, b} { // booking twice is one booking
		if st := v.call("POST", "/api/shows/"+s.ID+"/bookings", nil, &got); st != 200 || !got.Booked {
			t.Fatalf("booking %d: %d %+v", i, st, got)
		}
	}
	if got.Bookings != 2 {
		t.Fatalf("bookings %d, want 2", got.Bookings)
	}
	var pub platform.Public
	a.call("GET", "/api/shows/"+s.ID+"/public", nil, &pub)
	if pub.Bookings != 2 || !pub.Booked || pub.State != platform.PublicNotStarted {
		t.Fatalf("public of a booked viewer: %+v", pub)
	}
	fresh := p.newViewer(s.ID, "")
	fresh.call("GET", "/api/shows/"+s.ID+"/public", nil, &pub)
	if pub.Booked || pub.Bookings != 2 {
		t.Fatalf("public of a viewer who did not book: %+v", pub)
	}
	// A trial looks not started to the public: booking still works.
	if _, err := p.studio.StartTrial(c, s.ID); err != nil {
		t.Fatal(err)
	}
	if st := fresh.call("POST", "/api/shows/"+s.ID+"/bookings", nil, &got); st != 200 || got.Bookings != 3 {
		t.Fatalf("booking during a trial: %d %+v", st, got)
	}
	if _, err := p.studio.GoLive(c, s.ID); err != nil {
		t.Fatal(err)
	}
	var e apiErr
	if st := p.newViewer(s.ID, "").call("POST", "/api/shows/"+s.ID+"/bookings", nil, &e); st != 409 || e.Error.Code != "wrong_state" {
		t.Fatalf("booking a live show: %d %+v", st, e)
	}
	sh, err := p.studio.Show(c, s.ID)
	if err != nil || sh.Bookings != 3 {
		t.Fatalf("studio show: %+v %v", sh, err)
	}
	// Counts survive a restart.
	p.srv.Close()
	q := startPlatform(t, p.dir, p.clk)
	if sh, err := q.studio.Show(c, s.ID); err != nil || sh.Bookings != 3 {
		t.Fatalf("after a restart: %+v %v", sh, err)
	}
}

func TestBookingNeedsTheViewerCookie(t *testing.T) {
	p := newPlatform(t)
	s := p.approvedShow("预告")
	v := &viewer{t: t, base: p.srv.URL(), hc: p.newViewer(s.ID, "").hc}
	v.hc.Jar = nil
	if st := v.call("POST", "/api/shows/"+s.ID+"/bookings", nil, nil); st != 401 {
		t.Fatalf("without the cookie: %d", st)
	}
}

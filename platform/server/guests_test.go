package server

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"showcaster/platform"
)

// TestGuestLinks: a guest link is a secret that opens only the guest's page
// and WHIP, never a studio call, and it ends with the show.
func TestGuestLinks(t *testing.T) {
	p := newPlatform(t)
	s, _ := p.liveShow("连麦")
	g, err := p.studio.InviteGuest(ctx(t), s.ID, "  小李 ")
	if err != nil {
		t.Fatal(err)
	}
	if g.Name != "小李" || !strings.HasPrefix(g.URL, p.srv.URL()+"/guest/"+s.ID+"/"+g.ID+"?t=") {
		t.Fatalf("guest: %+v", g)
	}
	if _, err := p.studio.InviteGuest(ctx(t), s.ID, ""); err == nil {
		t.Fatal("a guest without a name was invited")
	}
	secret := g.URL[strings.Index(g.URL, "?t=")+3:]
	get := func(url, bearer string) int {
		req, _ := http.NewRequest(http.MethodGet, url, nil)
		if bearer != "" {
			req.Header.Set("Authorization", "Bearer "+bearer)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	base := p.srv.URL()
	if c := get(g.URL, ""); c != http.StatusOK {
		t.Fatalf("guest page: %d", c)
	}
	if c := get(base+"/guest/"+s.ID+"/"+g.ID+"?t=wrong", ""); c != http.StatusUnauthorized {
		t.Fatalf("guest page with a wrong secret: %d", c)
	}
	if c := get(base+"/api/shows", secret); c != http.StatusUnauthorized {
		t.Fatalf("a studio call with the guest's secret: %d", c)
	}
	sdp := func(url, bearer string) int {
		req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader("v=0\r\n"))
		req.Header.Set("Content-Type", "application/sdp")
		if bearer != "" {
			req.Header.Set("Authorization", "Bearer "+bearer)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	if c := sdp(base+"/whep/"+s.ID+"/guests/"+g.ID, secret); c != http.StatusUnauthorized {
		t.Fatalf("receiving a guest with the guest's secret instead of the studio token: %d", c)
	}
	if c := sdp(base+"/whip/"+s.ID+"/guests/"+g.ID, "wrong"); c != http.StatusUnauthorized {
		t.Fatalf("guest WHIP with a wrong secret: %d", c)
	}
	if c := sdp(base+"/whip/"+s.ID+"/guests/"+g.ID+"/return", secret); c != http.StatusUnauthorized {
		t.Fatalf("a guest publishing the return feed: %d", c)
	}
	var info guestInfo
	v := p.newViewer(s.ID, "")
	if c := v.call(http.MethodGet, "/api/guest/"+s.ID+"/"+g.ID+"?t="+secret, nil, &info); c != http.StatusOK ||
		info.WHIPURL != "/whip/"+s.ID+"/guests/"+g.ID || info.ReturnURL != "" {
		t.Fatalf("guest info: %d %+v", c, info)
	}
	if _, err := p.studio.End(ctx(t), s.ID); err != nil {
		t.Fatal(err)
	}
	if c := get(g.URL, ""); c != http.StatusNotFound {
		t.Fatalf("the guest page after the show ended: %d", c)
	}
	if _, err := p.studio.InviteGuest(ctx(t), s.ID, "晚到"); !errors.Is(err, platform.ErrWrongState) {
		t.Fatalf("inviting to an ended show: %v", err)
	}
}

// TestGuestDuringTrial: during a trial the guest's page plays the program
// with the trial key (as trial-link holders do); ending the trial keeps the
// link for the live.
func TestGuestDuringTrial(t *testing.T) {
	p := newPlatform(t)
	s := p.approvedShow("连麦试播")
	in, err := p.studio.StartTrial(ctx(t), s.ID)
	if err != nil {
		t.Fatal(err)
	}
	g, err := p.studio.InviteGuest(ctx(t), s.ID, "试播嘉宾")
	if err != nil {
		t.Fatal(err)
	}
	secret := g.URL[strings.Index(g.URL, "?t=")+3:]
	var info guestInfo
	v := p.newViewer(s.ID, "")
	if c := v.call(http.MethodGet, "/api/guest/"+s.ID+"/"+g.ID+"?t="+secret, nil, &info); c != http.StatusOK || info.State != "trial" ||
		!strings.Contains(in.ViewerURL, info.ProgramURL[strings.Index(info.ProgramURL, "key="):]) {
		t.Fatalf("guest info during the trial: %d %+v (viewer link %s)", c, info, in.ViewerURL)
	}
	if _, err := p.studio.EndTrial(ctx(t), s.ID); err != nil {
		t.Fatal(err)
	}
	if c := v.call(http.MethodGet, "/api/guest/"+s.ID+"/"+g.ID+"?t="+secret, nil, &info); c != http.StatusOK || info.State != "approved" ||
		strings.Contains(info.ProgramURL, "key=") {
		t.Fatalf("guest info after the trial: %d %+v", c, info)
	}
}

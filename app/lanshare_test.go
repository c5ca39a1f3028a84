package app

import (
	"context"
	"net"
	"testing"
	"time"
)

func TestPickLANAddress(t *testing.T) {
	cidr := func(s string) net.Addr {
		ip, n, err := net.ParseCIDR(s)
		if err != nil {
			t.Fatal(err)
		}
		n.IP = ip
		return n
	}
	for _, c := range []struct {
		addrs []net.Addr
		want  string
	}{
		{nil, ""},
		{[]net.Addr{cidr("127.0.0.1/8"), cidr("::1/128")}, ""},
		{[]net.Addr{cidr("127.0.0.1/8"), cidr("169.254.3.4/16"), cidr("fe80::1/64"), cidr("192.168.1.23/24"), cidr("10.0.0.5/8")}, "192.168.1.23"},
		{[]net.Addr{cidr("2001:db8::5/64"), &net.IPAddr{IP: net.ParseIP("10.1.2.3")}}, "10.1.2.3"},
	} {
		if got := pickLANAddress(c.addrs); got != c.want {
			t.Errorf("pickLANAddress(%v) = %q, want %q", c.addrs, got, c.want)
		}
	}
}

func TestViewerLinkOnLAN(t *testing.T) {
	for _, c := range []struct{ u, host, want string }{
		{"http://127.0.0.1:8089/s/abc?k=trial", "192.168.1.23", "http://192.168.1.23:8089/s/abc?k=trial"},
		{"http://127.0.0.1:8089/s/abc", "", "http://127.0.0.1:8089/s/abc"},
		{"https://live.example.com/s/abc", "192.168.1.23", "https://live.example.com/s/abc"},
		{"", "192.168.1.23", ""},
	} {
		if got := onLAN(c.u, c.host); got != c.want {
			t.Errorf("onLAN(%q, %q) = %q, want %q", c.u, c.host, got, c.want)
		}
	}
	if got := studioSideURL("http://0.0.0.0:8089"); got != "http://127.0.0.1:8089" {
		t.Errorf("studioSideURL = %q", got)
	}
	if !ViewerLinkLocal("http://127.0.0.1:8089/s/abc") || ViewerLinkLocal("http://192.168.1.23:8089/s/abc") {
		t.Error("ViewerLinkLocal judges the wrong link local")
	}
}

// TestShareLANRestartsTheLocalPlatform: switching the setting restarts the
// embedded platform (here still on the test's loopback address) with its
// shows kept, and the studio talks to it again.
func TestShareLANRestartsTheLocalPlatform(t *testing.T) {
	s := startStudio(t)
	ctx := context.Background()
	sh, err := s.CreateShow(ctx, "局域网共享", time.Now().Add(time.Hour), time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	before := s.PlatformURL()
	st := s.Settings()
	st.ShareLAN = true
	if err := s.ApplySettings(ctx, st); err != nil {
		t.Fatal(err)
	}
	if s.PlatformURL() == before {
		t.Errorf("the platform was not restarted (%s)", before)
	}
	if !IsLoopbackURL(s.PlatformURL()) {
		t.Errorf("the studio talks to %s, want loopback", s.PlatformURL())
	}
	shows, err := s.Shows(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(shows) != 1 || shows[0].ID != sh.ID {
		t.Errorf("after the restart the platform lists %v, want the show made before", shows)
	}
}

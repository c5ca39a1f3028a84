package server

import (
	"strconv"
	"strings"
	"testing"
)

// FuzzCheckOffer: any offer is judged without panicking, and an accepted one
// holds no more candidates and no longer lines than the limits allow.
func FuzzCheckOffer(f *testing.F) {
	f.Add("v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=video 9 UDP/TLS/RTP/SAVPF 102\r\na=candidate:1 1 udp 2130706431 127.0.0.1 5000 typ host\r\n", 16)
	f.Add(strings.Repeat("a=candidate:x\n", 20), 16)
	f.Add("a=candidate:\x00", 1)
	f.Fuzz(func(t *testing.T, sdp string, max int) {
		if max < 0 || max > 1000 {
			return
		}
		if CheckOffer(sdp, max) != nil {
			return
		}
		n := 0
		for line := range strings.Lines(sdp) {
			if len(line) > maxSDPLine {
				t.Fatalf("a line of %d bytes was accepted", len(line))
			}
			if strings.HasPrefix(line, "a=candidate:") {
				n++
			}
		}
		if n > max || strings.TrimSpace(sdp) == "" || strings.IndexByte(sdp, 0) >= 0 {
			t.Fatalf("accepted: %d candidates (max %d) in %q", n, max, sdp)
		}
	})
}

// FuzzParseAfter: `after` is accepted exactly when it is a decimal int64
// without sign or spaces, and reads as that number.
func FuzzParseAfter(f *testing.F) {
	for _, s := range []string{"", "0", "42", "-1", "+1", " 1", "1e3", "9223372036854775807", "9223372036854775808", "007"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := ParseAfter(s)
		want, perr := strconv.ParseInt(s, 10, 64)
		digits := s != "" && strings.Trim(s, "0123456789") == ""
		switch {
		case s == "":
			if err != nil || n != 0 {
				t.Fatalf("empty after: %d %v", n, err)
			}
		case digits && perr == nil:
			if err != nil || n != want {
				t.Fatalf("ParseAfter(%q) = %d, %v; want %d", s, n, err, want)
			}
		default:
			if err == nil {
				t.Fatalf("ParseAfter(%q) accepted %d", s, n)
			}
		}
	})
}

package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/lang"
)

// TestShareSaysWhoCanOpenTheLink: a link on this computer's loopback address
// says plainly that only this computer opens it and how to let phones in; a
// link on the local network says phones can open it.
func TestShareSaysWhoCanOpenTheLink(t *testing.T) {
	for _, code := range []string{"zh", "en"} {
		t.Run(code, func(t *testing.T) {
			t.Setenv("LANGUAGE", code)
			if err := setupLanguage(code); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { setupLanguage("en") })
			fs := newFakeStudio()
			h := newHarness(t, fs)
			p := h.w.share
			if p.reach.Text != "" {
				t.Errorf("with no link the panel says %q", p.reach.Text)
			}
			p.update("http://127.0.0.1:8089/s/s1?k=trial")
			local := lang.L("Only this computer opens it. Phones: turn on Share on the local network in Settings.")
			if p.reach.Text != local {
				t.Errorf("a loopback link says %q, want %q", p.reach.Text, local)
			}
			if code == "zh" && !strings.Contains(p.reach.Text, "本机") {
				t.Errorf("the Chinese window says %q", p.reach.Text)
			}
			// Shared, but this computer is on no network: no advice to share.
			fs.mu.Lock()
			fs.settings.ShareLAN = true
			fs.mu.Unlock()
			p.update("http://127.0.0.1:8089/s/s1?k=live")
			if p.reach.Text != lang.L("Only this computer opens it: it is on no local network. Connect to the Wi-Fi and restart the studio.") {
				t.Errorf("shared with no network, the link says %q", p.reach.Text)
			}
			p.update("http://192.168.1.23:8089/s/s1?k=trial")
			if p.reach.Text != lang.L("Phones on the same network can open it.") {
				t.Errorf("a local-network link says %q", p.reach.Text)
			}
		})
	}
}

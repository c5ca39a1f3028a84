package broadcast

import "testing"

func TestPresets(t *testing.T) {
	for _, p := range Presets {
		if p.MaxWidth > 1920 || p.MaxHeight > 1080 || p.MaxFPS > 30 || p.MaxKbps <= 0 || p.NameZh == "" {
			t.Errorf("preset %+v is outside H.264 ≤ 1080p30 with a cap", p)
		}
		if q, ok := PresetByID(p.ID); !ok || q.Name != p.Name {
			t.Errorf("PresetByID(%q)", p.ID)
		}
	}
	for host, want := range map[string]string{
		"push-rtmp-l6.douyincdn.com": "douyin",
		"a.rtmp.youtube.com":         "youtube",
		"live-push.bilivideo.com":    "bilibili",
		"open-push.voip.yximgs.com":  "kuaishou",
		"notyoutube.com":             "",
		"127.0.0.1":                  "",
	} {
		p, _ := PresetForHost(host)
		if p.ID != want {
			t.Errorf("%s: preset %q, want %q", host, p.ID, want)
		}
	}
}

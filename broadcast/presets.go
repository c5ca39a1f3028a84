package broadcast

import "strings"

// Preset is what a platform asks of an RTMP push: every one of them takes
// H.264 + AAC-LC, keyframes every 2 s, at most 1080p30. The caps are the
// figures docs/user-guide.md lists with where each comes from (most are
// typical values; the platforms change them and show the real ones in their
// push settings).
type Preset struct {
	ID     string
	Name   string // English
	NameZh string // 中文
	// Server is the push server's usual form; the platform's own page gives
	// the exact address and the key (推流地址 / 推流码), often as one URL.
	Server string
	// Limits of the stream.
	MaxWidth, MaxHeight, MaxFPS int
	MaxKbps                     int
	// KeyInURL: the platform hands out one URL whose last path segment and
	// query are the key (signed, with an expire= time).
	KeyInURL bool
	// Hosts are the domain suffixes of the platform's push servers, so a
	// pasted URL finds its preset (empty where the address varies).
	Hosts []string
}

// Presets are the platforms sellers push to, in the order the studio lists them.
var Presets = []Preset{
	{ID: "douyin", Name: "Douyin", NameZh: "抖音", Server: "rtmp://push-rtmp-*.douyincdn.com/third/",
		MaxWidth: 1920, MaxHeight: 1080, MaxFPS: 30, MaxKbps: 6000, KeyInURL: true, Hosts: []string{"douyincdn.com"}},
	{ID: "taobao", Name: "Taobao Live", NameZh: "淘宝直播", Server: "rtmp://livepush.taobao.com/…",
		MaxWidth: 1920, MaxHeight: 1080, MaxFPS: 30, MaxKbps: 4000, KeyInURL: true},
	{ID: "kuaishou", Name: "Kuaishou", NameZh: "快手", Server: "rtmp://open-push.voip.yximgs.com/gifshow/",
		MaxWidth: 1920, MaxHeight: 1080, MaxFPS: 30, MaxKbps: 4000, KeyInURL: true, Hosts: []string{"yximgs.com"}},
	{ID: "channels", Name: "WeChat Channels", NameZh: "视频号", Server: "rtmp://…/trtc_…/",
		MaxWidth: 1920, MaxHeight: 1080, MaxFPS: 30, MaxKbps: 4000, KeyInURL: true},
	{ID: "bilibili", Name: "Bilibili", NameZh: "哔哩哔哩", Server: "rtmp://live-push.bilivideo.com/live-bvc/",
		MaxWidth: 1920, MaxHeight: 1080, MaxFPS: 30, MaxKbps: 6000, Hosts: []string{"bilivideo.com"}},
	{ID: "youtube", Name: "YouTube", NameZh: "YouTube", Server: "rtmp://a.rtmp.youtube.com/live2",
		MaxWidth: 1920, MaxHeight: 1080, MaxFPS: 30, MaxKbps: 10000, Hosts: []string{"youtube.com"}},
}

// PresetForHost finds the preset of a push server's host name.
func PresetForHost(host string) (Preset, bool) {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	for _, p := range Presets {
		for _, h := range p.Hosts {
			if host == h || strings.HasSuffix(host, "."+h) {
				return p, true
			}
		}
	}
	return Preset{}, false
}

// PresetByID finds a preset.
func PresetByID(id string) (Preset, bool) {
	for _, p := range Presets {
		if p.ID == id {
			return p, true
		}
	}
	return Preset{}, false
}

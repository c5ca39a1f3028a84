package app

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"

	"showcaster/broadcast"
	"showcaster/encode"
	"showcaster/publish"
)

// rtmpAvailable is whether this build can publish to RTMP, which needs an
// AAC encoder (encode.AACAvailable: every build but one made with -tags
// noaac). A variable, so that the answer such a build gives is tested too.
var rtmpAvailable = encode.AACAvailable

// DestinationKind is how a destination is reached.
type DestinationKind string

const (
	// DestPlatform is this platform's own WHIP ingest for the selected show.
	DestPlatform DestinationKind = "platform"
	// DestWHIP is any WHIP server, with a bearer token.
	DestWHIP DestinationKind = "whip"
	// DestRTMP is an RTMP(S) server and stream key (the Chinese platforms,
	// Bilibili, YouTube…).
	DestRTMP DestinationKind = "rtmp"
)

// DestinationSpec is one destination the host set up: stored with the
// settings (the secret like the platform token), enabled per show.
type DestinationSpec struct {
	ID   string          `json:"id"`
	Name string          `json:"name"`
	Kind DestinationKind `json:"kind"`
	// URL is the WHIP endpoint, or the RTMP server (or the whole push URL
	// with the key in it, as the platforms hand it out).
	URL string `json:"url"`
	// Secret is the WHIP token or the RTMP stream key; never shown whole.
	Secret   string `json:"secret"`
	PresetID string `json:"preset,omitempty"`
	MaxKbps  int    `json:"max_kbps,omitempty"`
	Enabled  bool   `json:"enabled"`
}

// DestinationFromPreset starts a spec from a platform preset.
func DestinationFromPreset(id string) (DestinationSpec, bool) {
	p, ok := broadcast.PresetByID(id)
	if !ok {
		return DestinationSpec{}, false
	}
	return DestinationSpec{Name: p.Name, Kind: DestRTMP, PresetID: p.ID, MaxKbps: p.MaxKbps, Enabled: true}, true
}

// Validate says what is wrong with a spec, in a sentence, or nil. now dates
// a signed key's expire=.
func (s DestinationSpec) Validate(now time.Time) error {
	if strings.TrimSpace(s.Name) == "" {
		return fmt.Errorf("%w: give the destination a name", ErrBadDestination)
	}
	switch s.Kind {
	case DestPlatform:
		return nil
	case DestWHIP:
		u, err := url.Parse(strings.TrimSpace(s.URL))
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("%s: %w", s.Name, publish.ErrBadURL)
		}
		return nil
	case DestRTMP:
		if !rtmpAvailable {
			return fmt.Errorf("%s: %w", s.Name, encode.ErrAACUnavailable)
		}
		t, err := publish.ParseRTMPTarget(s.URL, s.Secret)
		if err != nil {
			return fmt.Errorf("%s: %w", s.Name, err)
		}
		if err := t.CheckExpiry(now); err != nil {
			return fmt.Errorf("%s: %w", s.Name, err)
		}
		return nil
	}
	return fmt.Errorf("%w: unknown kind %q", ErrBadDestination, s.Kind)
}

// MaskedSecret is the secret as the window shows it: its last four
// characters at most, and only when it is long enough to keep the rest hidden.
func (s DestinationSpec) MaskedSecret() string {
	k := s.Secret
	if k == "" {
		// A key pasted inside the URL is hidden the same way.
		if t, err := publish.ParseRTMPTarget(s.URL, ""); err == nil {
			k = t.Key
		}
	}
	if k == "" {
		return ""
	}
	if len(k) < 12 {
		return "••••••••"
	}
	return "••••••••" + k[len(k)-4:]
}

// Address is the URL without the key, for the window's list.
func (s DestinationSpec) Address() string {
	if s.Kind == DestRTMP {
		if t, err := publish.ParseRTMPTarget(s.URL, s.Secret); err == nil {
			return t.String()
		}
	}
	return RedactURL(s.URL)
}

// Start puts a destination on air; platformWHIP and platformToken are the
// selected show's ingest, for DestPlatform.
func (d *Destinations) Start(ctx context.Context, s DestinationSpec, platformWHIP, platformToken string) error {
	if err := s.Validate(d.eng.cfg.Clock.Now()); err != nil {
		return err
	}
	switch s.Kind {
	case DestPlatform:
		return d.AddWHIP(ctx, s.Name, platformWHIP, platformToken, s.MaxKbps)
	case DestWHIP:
		return d.AddWHIP(ctx, s.Name, s.URL, s.Secret, s.MaxKbps)
	default:
		return d.AddRTMP(ctx, s.Name, s.URL, s.Secret, s.MaxKbps)
	}
}

// DestinationTest is what testing a destination found.
type DestinationTest struct {
	Err        error         // why it could not publish; nil when it did
	Connect    time.Duration // to the first media
	FramesSent uint64
	FPS        float64
	Kbps       float64
}

// String is the report the window shows.
func (r DestinationTest) String() string {
	if r.Err != nil {
		return r.Err.Error()
	}
	return fmt.Sprintf("published %d frames (%.0f fps, %.0f kbps); connected in %d ms", r.FramesSent, r.FPS, r.Kbps, r.Connect.Milliseconds())
}

// Test connects a destination, publishes the program for d (3 s is
// plenty), reports and takes it off again.
func (d *Destinations) Test(ctx context.Context, s DestinationSpec, platformWHIP, platformToken string, dur time.Duration) DestinationTest {
	s.Name = "test: " + s.Name
	if err := d.Start(ctx, s, platformWHIP, platformToken); err != nil {
		return DestinationTest{Err: err}
	}
	defer d.Remove(s.Name)
	select {
	case <-ctx.Done():
	case <-d.eng.cfg.Clock.After(dur):
	}
	st, _ := findDest(d.Stats(), s.Name)
	r := DestinationTest{Connect: st.ConnectTime, FramesSent: st.FramesSent, FPS: st.FPS, Kbps: st.Kbps}
	if st.StopErr != nil {
		r.Err = st.StopErr
	} else if st.FramesSent == 0 {
		r.Err = fmt.Errorf("%s: %w", s.Name, ErrDestinationSilent)
	}
	return r
}

func findDest(ds []broadcast.DestStats, name string) (broadcast.DestStats, bool) {
	for _, d := range ds {
		if d.Name == name {
			return d, true
		}
	}
	return broadcast.DestStats{}, false
}

// DestinationPreset is a platform's known requirements (for the window).
type DestinationPreset = broadcast.Preset

// DestinationPresets are the platforms the window offers to add.
func DestinationPresets() []DestinationPreset {
	return append([]DestinationPreset(nil), broadcast.Presets...)
}

// The destination errors the window says in the host's language.
var (
	ErrRTMPBadURL      = publish.ErrRTMPBadURL
	ErrRTMPNoKey       = publish.ErrRTMPNoKey
	ErrRTMPNoApp       = publish.ErrRTMPNoApp
	ErrRTMPKeyExpired  = publish.ErrRTMPKeyExpired
	ErrRTMPRefused     = publish.ErrRTMPRefused
	ErrRTMPUnreachable = publish.ErrRTMPUnreachable
	ErrRTMPHandshake   = publish.ErrRTMPHandshake
	ErrRTMPTLS         = publish.ErrRTMPTLS
	ErrRTMPLost        = publish.ErrRTMPLost
	ErrRTMPStalled     = publish.ErrRTMPStalled
	ErrWHIPBadURL      = publish.ErrBadURL
	ErrWHIPRefused     = publish.ErrUnauthorized
	ErrWHIPForbidden   = publish.ErrForbidden
)

// SplitRTMPAddress splits a pasted push URL that carries its key (the last
// path segment and query, or the fragment) into the server and the key, so
// the window can move the key into its hidden field at once. ok is false
// when raw is not such a URL.
func SplitRTMPAddress(raw string) (server, key string, ok bool) {
	t, err := publish.ParseRTMPTarget(raw, "")
	if err != nil {
		return "", "", false
	}
	return t.String(), t.Key, true
}

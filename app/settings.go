package app

import (
	"os"
	"path/filepath"

	"showcaster/capture"
	"showcaster/scene"
)

// Settings are what the operator chooses in the settings dialog. The UI
// stores them (Fyne preferences); the studio applies them.
type Settings struct {
	// PlatformURL and PlatformToken name the platform; an empty URL means the
	// embedded local platform on loopback.
	PlatformURL, PlatformToken string
	// CameraID, MicID and ScreenID pick devices; "" picks the first found
	// (the test pattern or tone when there is none).
	CameraID, MicID, ScreenID string
	Width, Height, FPS        int
	MinKbps, MaxKbps          int
	// Language is "" (follow the system), "zh" or "en".
	Language                  string
	ChimeOrders, ChimePrivate bool
	ChimeVolume               float64 // 0..1
	MonitorMic                bool
	// Beauty is the camera's beauty filter (smoothing, brightening, light);
	// all zero is off, the default.
	Beauty Beauty
	// RemoteControl serves obs-websocket v5 remote control (off by default)
	// on RemotePort (0: 4455) of this machine, or of every interface with
	// RemoteLAN; RemotePassword is generated when it is first switched on.
	RemoteControl  bool
	RemoteLAN      bool
	RemotePort     int
	RemotePassword string
	// ShareLAN lets phones and other computers on the local network open the
	// embedded platform's viewer pages (off by default: this computer only).
	ShareLAN bool
}

// Beauty is the camera's beauty (美颜) settings, each 0..100.
type Beauty = capture.Beauty

// DefaultSettings are a fresh profile's: 720p30 at up to 2.5 Mbps on the
// embedded platform, chimes on at half volume.
func DefaultSettings() Settings {
	return Settings{Width: 1280, Height: 720, FPS: 30, MinKbps: 300, MaxKbps: 2500,
		ChimeOrders: true, ChimePrivate: true, ChimeVolume: 0.5}
}

func (s Settings) withDefaults() Settings {
	d := DefaultSettings()
	if s.Width == 0 || s.Height == 0 {
		s.Width, s.Height = d.Width, d.Height
	}
	if s.FPS == 0 {
		s.FPS = d.FPS
	}
	if s.MaxKbps == 0 {
		s.MaxKbps = d.MaxKbps
	}
	if s.MinKbps == 0 {
		s.MinKbps = min(d.MinKbps, s.MaxKbps)
	}
	return s
}

// DefaultDataDir is where the studio keeps its catalogue and the embedded
// platform's data: the user's config directory.
func DefaultDataDir() string {
	dir, err := os.UserConfigDir()
	if err != nil {
		dir = os.TempDir()
	}
	return filepath.Join(dir, "showcaster")
}

// Device is a camera, microphone or screen found on this machine.
type Device struct {
	ID, Label string
	Kind      string // "camera", "microphone", "screen"
	Formats   []string
}

// SourceKind is what the main picture comes from.
type SourceKind int

const (
	SourceTest SourceKind = iota
	SourceCamera
	SourceScreen
	SourceImage
)

func (k SourceKind) String() string {
	switch k {
	case SourceCamera:
		return "camera"
	case SourceScreen:
		return "screen"
	case SourceImage:
		return "image"
	default:
		return "test"
	}
}

// Layout is how the sources share the canvas.
type Layout = scene.Layout

const (
	LayoutFull = scene.LayoutFull
	LayoutPiP  = scene.LayoutPiP
	LayoutSide = scene.LayoutSide
)

// ParseLayout reads full, pip or side.
func ParseLayout(s string) (Layout, error) { return scene.ParseLayout(s) }

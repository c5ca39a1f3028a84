package app

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"sync"

	"showcaster/capture"
	"showcaster/guest"
	"showcaster/platform"
	"showcaster/scene"
)

// CoHostConfig wires co-hosting (连麦) into a running engine.
type CoHostConfig struct {
	Engine *Engine
	Client *platform.Client
	// Token is the studio token (the guests' WHEP and the return feeds take it).
	Token  string
	ShowID string
	// Host is the host's picture (the engine's main source); it stays on the canvas.
	Host capture.VideoSource
	// HostAudioID is the engine's id of the host's sound (default "main").
	HostAudioID string
	Layout      scene.GuestLayout
	Logf        func(format string, args ...any)
}

// Guest is an invited co-host: id, name and their link.
type Guest = platform.Guest

// GuestState is one guest as the host's controls see them.
type GuestState struct {
	platform.Guest
	Connected bool
	Muted     bool
	Hidden    bool
	Stats     guest.Stats
}

type coGuest struct {
	g      platform.Guest
	rx     *guest.Receiver
	tee    *guest.Tee
	ret    *guest.Return
	muted  bool
	hidden bool
}

// CoHost brings guests into the program: each guest is received and decoded
// (guest.Receiver), laid out with the host (scene.GuestItems), mixed into the
// program's sound, and sent back a mix-minus of everything but their own
// voice (guest.Return), so nobody hears an echo of themself.
type CoHost struct {
	cfg CoHostConfig

	mu     sync.Mutex
	host   *guest.Tee // the host's sound, tapped for every guest's return
	guests []*coGuest
	layout scene.GuestLayout
	closed bool
}

// NewCoHost prepares co-hosting on an engine whose video is already set.
func NewCoHost(cfg CoHostConfig) *CoHost {
	if cfg.Logf == nil {
		cfg.Logf = func(string, ...any) {}
	}
	if cfg.HostAudioID == "" {
		cfg.HostAudioID = "main"
	}
	if cfg.Layout == scene.GuestLayoutUnknown {
		cfg.Layout = scene.GuestSide
	}
	return &CoHost{cfg: cfg, layout: cfg.Layout}
}

// SetHostAudio puts the host's sound into the program (engine source HostAudioID)
// through a tee, so each guest's return can carry it.
func (c *CoHost) SetHostAudio(src capture.AudioSource) error {
	tee := guest.NewTee(src)
	c.mu.Lock()
	c.host = tee
	gs := slices.Clone(c.guests)
	c.mu.Unlock()
	for _, g := range gs {
		_ = g.ret.SetSource("host", tee.Tap())
	}
	return c.cfg.Engine.SetAudio(c.cfg.HostAudioID, tee)
}

// SetHost changes the host's picture (the engine's new main source).
func (c *CoHost) SetHost(src capture.VideoSource) {
	c.mu.Lock()
	c.cfg.Host = src
	n := len(c.guests)
	c.mu.Unlock()
	if n > 0 {
		c.relayout()
	}
}

func guestAudioID(id string) string { return "guest:" + id }

// Invite asks the platform for a guest link and gets ready to receive the guest.
func (c *CoHost) Invite(ctx context.Context, name string) (platform.Guest, error) {
	g, err := c.cfg.Client.InviteGuest(ctx, c.cfg.ShowID, name)
	if err != nil {
		return g, err
	}
	ec := c.cfg.Engine.Config()
	rx, err := guest.Start(guest.Config{WHEPURL: c.cfg.Client.GuestWHEPURL(c.cfg.ShowID, g.ID), Token: c.cfg.Token, Name: g.Name,
		Width: ec.Width, Height: ec.Height, Clock: ec.Clock, Logf: c.cfg.Logf})
	if err != nil {
		_ = c.cfg.Client.RemoveGuest(ctx, c.cfg.ShowID, g.ID)
		return g, err
	}
	// The return feed's WHIP endpoint (studio token); the guest's page plays it.
	whip := c.cfg.Client.BaseURL() + "/whip/" + url.PathEscape(c.cfg.ShowID) + "/guests/" + url.PathEscape(g.ID) + "/return"
	ret, err := guest.StartReturn(guest.ReturnConfig{WHIPURL: whip, Token: c.cfg.Token, Clock: ec.Clock, Logf: c.cfg.Logf})
	if err != nil {
		rx.Close()
		_ = c.cfg.Client.RemoveGuest(ctx, c.cfg.ShowID, g.ID)
		return g, err
	}
	cg := &coGuest{g: g, rx: rx, tee: guest.NewTee(rx.Audio()), ret: ret}
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		rx.Close()
		ret.Close()
		return g, ErrCoHostClosed
	}
	others := slices.Clone(c.guests)
	c.guests = append(c.guests, cg)
	host := c.host
	c.mu.Unlock()
	if host != nil {
		_ = ret.SetSource("host", host.Tap())
	}
	for _, o := range others {
		_ = ret.SetSource(guestAudioID(o.g.ID), o.tee.Tap())
		_ = o.ret.SetSource(guestAudioID(g.ID), cg.tee.Tap())
	}
	if err := c.cfg.Engine.SetAudio(guestAudioID(g.ID), cg.tee); err != nil {
		return g, err
	}
	c.relayout()
	return g, nil
}

func (c *CoHost) find(id string) (*coGuest, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, g := range c.guests {
		if g.g.ID == id {
			return g, nil
		}
	}
	return nil, fmt.Errorf("%w (%q)", ErrNoGuest, id)
}

// Remove disconnects a guest; their link stops working.
func (c *CoHost) Remove(ctx context.Context, id string) error {
	g, err := c.find(id)
	if err != nil {
		return err
	}
	err = c.cfg.Client.RemoveGuest(ctx, c.cfg.ShowID, id)
	c.mu.Lock()
	c.guests = slices.DeleteFunc(c.guests, func(x *coGuest) bool { return x == g })
	others := slices.Clone(c.guests)
	c.mu.Unlock()
	c.relayout()
	for _, o := range others {
		_ = o.ret.SetSource(guestAudioID(id), nil)
	}
	_ = c.cfg.Engine.SetAudio(guestAudioID(id), nil) // closes the tee and its taps
	g.ret.Close()
	g.rx.Close()
	return err
}

// SetMuted mutes a guest's sound in the program and in the other guests' returns.
func (c *CoHost) SetMuted(id string, muted bool) error {
	g, err := c.find(id)
	if err != nil {
		return err
	}
	c.mu.Lock()
	g.muted = muted
	others := slices.Clone(c.guests)
	c.mu.Unlock()
	for _, o := range others {
		if o != g {
			_ = o.ret.SetMuted(guestAudioID(id), muted)
		}
	}
	return c.cfg.Engine.SetAudioMuted(guestAudioID(id), muted)
}

// SetHidden takes a guest's picture off the program (their sound stays unless muted).
func (c *CoHost) SetHidden(id string, hidden bool) error {
	g, err := c.find(id)
	if err != nil {
		return err
	}
	c.mu.Lock()
	g.hidden = hidden
	c.mu.Unlock()
	c.relayout()
	return nil
}

// SetLayout picks how host and guests share the canvas.
func (c *CoHost) SetLayout(l scene.GuestLayout) {
	c.mu.Lock()
	c.layout = l
	c.mu.Unlock()
	c.relayout()
}

// Guests lists the guests in invitation order.
func (c *CoHost) Guests() []GuestState {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]GuestState, 0, len(c.guests))
	for _, g := range c.guests {
		out = append(out, GuestState{Guest: g.g, Connected: g.rx.Connected(), Muted: g.muted, Hidden: g.hidden, Stats: g.rx.Stats()})
	}
	return out
}

func (c *CoHost) relayout() {
	c.mu.Lock()
	var vids []capture.VideoSource
	for _, g := range c.guests {
		if !g.hidden {
			vids = append(vids, g.rx.Video())
		}
	}
	l := c.layout
	host := c.cfg.Host
	c.mu.Unlock()
	ec := c.cfg.Engine.Config()
	c.cfg.Engine.Scene().SetItems(scene.GuestItems(l, ec.Width, ec.Height, host, vids))
}

// Close stops receiving every guest (their links stay valid until the show ends).
func (c *CoHost) Close() error {
	c.mu.Lock()
	c.closed = true
	gs := c.guests
	c.guests = nil
	c.mu.Unlock()
	for _, g := range gs {
		_ = c.cfg.Engine.SetAudio(guestAudioID(g.g.ID), nil)
		g.ret.Close()
		g.rx.Close()
	}
	return nil
}

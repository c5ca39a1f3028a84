package cli

import (
	"context"
	"fmt"
	"io"
	"strings"

	"showcaster/app"
	"showcaster/capture"
	"showcaster/guest"
	"showcaster/platform"
	"showcaster/scene"
)

// guestNames collects repeated --invite-guest flags.
type guestNames []string

func (g *guestNames) String() string { return strings.Join(*g, ",") }

func (g *guestNames) Set(v string) error {
	v = strings.TrimSpace(v)
	if v == "" {
		return fmt.Errorf("%w: --invite-guest needs the guest's name", ErrBadFlag)
	}
	if len(*g) >= 3 {
		return fmt.Errorf("%w: at most three guests (--invite-guest) at once", ErrBadFlag)
	}
	*g = append(*g, v)
	return nil
}

// guestLine is the one JSON line `--invite-guest` prints per guest.
type guestLine struct {
	Guest platform.Guest `json:"guest"`
}

// startGuests invites the guests of --invite-guest and brings them into the
// program (app.CoHost): each gets one JSON line with their link on stdout.
// hostAudio (may be nil) goes into the program through the co-host's tee, so
// every guest's mix-minus return carries the host.
func startGuests(ctx context.Context, o liveOptions, eng *app.Engine, client *platform.Client, host capture.VideoSource,
	hostAudio capture.AudioSource, out *lineWriter) (*app.CoHost, error) {
	l, err := scene.ParseGuestLayout(o.guestLayout)
	if err != nil {
		return nil, err
	}
	co := app.NewCoHost(app.CoHostConfig{Engine: eng, Client: client, Token: o.token, ShowID: o.showID, Host: host, Layout: l})
	if hostAudio != nil {
		if err := co.SetHostAudio(hostAudio); err != nil {
			return nil, err
		}
	}
	for _, name := range o.guests {
		g, err := co.Invite(ctx, name)
		if err != nil {
			co.Close()
			return nil, fmt.Errorf("invite %s: %w", name, err)
		}
		out.json(guestLine{Guest: g})
	}
	return co, nil
}

// joinAsGuest sends this studio's program to another studio's show through
// its guest link (VP8 + Opus, beside any other output); stop ends it.
func joinAsGuest(link string, eng *app.Engine, w, h, fps, kbps int, stderr io.Writer) (stop func(), err error) {
	gl, err := guest.ParseGuestLink(link)
	if err != nil {
		return nil, err
	}
	sink := eng.Scene().AddSink("guest-link", 2)
	s, err := guest.StartSender(guest.SenderConfig{Link: gl, Frames: sink.Frames(), Width: w, Height: h, FPS: fps, BitrateBps: min(kbps, 2500) * 1000,
		Logf: func(format string, a ...any) { fmt.Fprintf(stderr, format+"\n", a...) }})
	if err != nil {
		sink.Close()
		return nil, err
	}
	eng.SetAudioTap(s.WriteAudio)
	fmt.Fprintf(stderr, "joining as a guest: %s\n", app.RedactURL(gl.WHIPURL))
	return func() {
		eng.SetAudioTap(nil)
		s.Close()
		sink.Close()
	}, nil
}

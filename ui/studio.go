package ui

import (
	"context"
	"image"
	"io"
	"time"

	"showcaster/app"
	"showcaster/app/store"
)

// Studio is the part of *app.Studio the window uses. Naming it here keeps the
// window honest about what it needs, and lets a test hand in the real studio
// or a recording stand-in.
type Studio interface {
	Events() <-chan app.Event
	Settings() app.Settings
	ApplySettings(ctx context.Context, st app.Settings) error
	PreviewBeauty(b app.Beauty)
	Devices() ([]app.Device, error)
	SetVideoSource(kind app.SourceKind, id string) error
	// Scenes: the saved arrangements in the host's order, the one on air,
	// and their editing (app/studio_scenes.go).
	Scenes() []store.Scene
	CurrentScene() (store.Scene, bool)
	SwitchScene(id string) error
	ProgramScene() store.Scene
	AddScene(sc store.Scene) (store.Scene, error)
	RenameScene(id, name string) error
	MoveScene(id string, to int) error
	DeleteScene(id string) error
	SetMicMuted(muted bool)
	MicMuted() bool
	Preview(maxW, maxH int) *image.RGBA

	Shows(ctx context.Context) ([]app.Show, error)
	PlanShow(ctx context.Context, plan app.ShowPlan) (app.Show, error)
	Catalogue() ([]store.Product, error)
	ImportProducts(r io.Reader, baseDir string) (store.ImportReport, error)
	SelectShow(ctx context.Context, id string) error
	CurrentShow() (app.Show, bool)
	StartTrial(ctx context.Context) error
	GoLive(ctx context.Context) error
	CancelCountdown()
	EndShow(ctx context.Context) error
	Elapsed() time.Duration
	OnAir() bool
	Report(ctx context.Context) (app.Report, error)
	// Anchor is the anchor's level on the platform (sessions, buyers, fans) and the way up.
	Anchor(ctx context.Context) (app.Anchor, error)

	Reply(ctx context.Context, c app.Comment, text string, private bool) error
	Moderate(ctx context.Context, viewerID, action string) error
	ShowCommentOnAir(c app.Comment) error
	TakeCommentOffAir()

	// Recording writes the program to a file beside any broadcast.
	StartRecording() (string, error)
	StopRecording() error
	Recording() string

	// Products is the show's product desk (nil before a show is selected).
	Products() *app.ProductDesk

	// Toolkit is the selected show's selling toolkit (nil before a show is selected).
	Toolkit() *app.Toolkit
	// Thank answers a gift, follow or welcome line with a public reply by name.
	Thank(ctx context.Context, l app.FeedLine) error
	// GreetOnProgram puts a welcome or thank-you line on the program.
	GreetOnProgram(l app.FeedLine) error
	GreetOffProgram()
	// ShowToolCard puts the running lucky bag or flash sale on the program
	// (app.ToolCardLottery, app.ToolCardFlashSale) with its countdown.
	ShowToolCard(ctx context.Context, kind string) error
	HideToolCard()

	// Co-hosting (连麦): guests on the program while the show is on air.
	InviteGuest(ctx context.Context, name string) (app.Guest, error)
	Guests() []app.GuestState
	MuteGuest(id string, muted bool) error
	HideGuest(id string, hidden bool) error
	RemoveGuest(ctx context.Context, id string) error

	// Destinations besides this platform, started by Go live.
	DestinationList() []app.DestinationSpec
	SaveDestinations([]app.DestinationSpec) error
	TestDestination(ctx context.Context, s app.DestinationSpec) app.DestinationTest
}

var _ Studio = (*app.Studio)(nil)

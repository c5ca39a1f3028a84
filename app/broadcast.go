package app

import (
	"context"

	"showcaster/platform"
)

// StartBroadcast asks the platform for a show's trial (formal false) or
// formal broadcast and returns where to send the picture. The studio's Go
// live and `showcaster live --platform` both start shows through it.
func StartBroadcast(ctx context.Context, c *platform.Client, showID string, formal bool) (platform.Ingest, error) {
	if formal {
		return c.GoLive(ctx, showID)
	}
	return c.StartTrial(ctx, showID)
}

// EndBroadcast ends a trial (the show goes back to approved) or the formal
// broadcast (the show ends for every viewer).
func EndBroadcast(ctx context.Context, c *platform.Client, showID string, trial bool) (Show, error) {
	if trial {
		return c.EndTrial(ctx, showID)
	}
	return c.End(ctx, showID)
}

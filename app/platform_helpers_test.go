package app

import (
	"testing"

	"showcaster/internal/testplatform"
	"showcaster/platform"
	"showcaster/platform/server"
)

// localPlatform starts the reference platform in-process with a quick audit.
func localPlatform(t *testing.T) (*server.Server, *platform.Client) { return testplatform.Start(t) }

// approvedShow creates a show and waits for the platform to approve it.
func approvedShow(t *testing.T, c *platform.Client, title string) platform.Show {
	return testplatform.ApprovedShow(t, c, title)
}

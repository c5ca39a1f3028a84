package assets

import "embed"

// Viewer is the viewer web page that the platform serves: index.html at
// /watch/{show} and the rest under /static/. Plain HTML, JS and CSS, no build
// step, so what is in assets/viewer is what the browser gets.
//
//go:embed viewer
var Viewer embed.FS

// Guest is the co-host's page (guest/index.html) that the platform serves at
// /guest/{show}/{gid}: camera and microphone, Join, the program played back.
//
//go:embed guest
var Guest embed.FS

package server

import (
	"io/fs"
	"net/http"
	"path"

	"showcaster/assets"
)

// defaultViewer is the viewer page built into the binary (assets/viewer).
func defaultViewer() fs.FS {
	sub, err := fs.Sub(assets.Viewer, "viewer")
	if err != nil {
		panic("assets: the embedded viewer directory is missing: " + err.Error()) // a build defect, not a runtime condition
	}
	return sub
}

// pageHeaders are sent with the viewer page and its files: a policy that lets
// the page load only its own scripts and styles and talk only to this
// platform, may be framed only by the platform's own pages (so the Buy button
// cannot be overlaid by another site), and is never content-sniffed.
func pageHeaders(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; "+
		"img-src 'self' data: blob: http: https:; media-src 'self' blob: mediastream:; "+
		"connect-src 'self' ws://"+r.Host+" wss://"+r.Host+"; object-src 'none'; base-uri 'none'; "+
		"form-action 'self'; frame-ancestors 'self'")
	h.Set("X-Frame-Options", "SAMEORIGIN")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
}

// staticFiles serves the viewer page's files; a missing one is a JSON 404 like every other.
func (s *Server) staticFiles() http.Handler {
	files := http.FileServerFS(s.viewer)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := path.Clean("/" + r.URL.Path)[1:]
		if fi, err := fs.Stat(s.viewer, name); name == "" || err != nil || fi.IsDir() {
			writeError(w, fail(ErrNotFound, "no such file: /static/%s", r.URL.Path))
			return
		}
		pageHeaders(w, r)
		files.ServeHTTP(w, r)
	})
}

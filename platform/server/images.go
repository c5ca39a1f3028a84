package server

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
)

// maxImage bounds one uploaded product image; a phone photo saved for the
// web fits, a camera RAW does not.
const maxImage = 4 << 20

// imageTypes are what the viewer page can show, by sniffed type.
var imageTypes = map[string]string{"image/png": ".png", "image/jpeg": ".jpg", "image/webp": ".webp", "image/gif": ".gif"}

var imageName = regexp.MustCompile(`^[0-9a-f]{32}\.(png|jpg|webp|gif)$`)

func (s *Server) imageDir() string { return filepath.Join(s.cfg.DataDir, "images") }

// handleUploadImage stores a product image under its content hash, so the
// same picture uploaded twice is one file and its URL never changes.
func (s *Server) handleUploadImage(w http.ResponseWriter, r *http.Request) error {
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxImage))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return fail(ErrTooLarge, "the image is larger than %d MiB: save it smaller (e.g. 800×800 JPEG)", maxImage>>20)
		}
		return fail(ErrBadRequest, "reading the image: %v", err)
	}
	ext, ok := imageTypes[http.DetectContentType(data)]
	if !ok {
		return fail(ErrContentType, "the upload is not a PNG, JPEG, WebP or GIF image")
	}
	sum := sha256.Sum256(data)
	name := hex.EncodeToString(sum[:16]) + ext
	if err := os.MkdirAll(s.imageDir(), 0o700); err != nil {
		return fail(ErrStorage, "storing the image: %v", err)
	}
	path := filepath.Join(s.imageDir(), name)
	if _, err := os.Stat(path); err != nil {
		tmp := path + ".tmp"
		if err := os.WriteFile(tmp, data, 0o600); err != nil {
			return fail(ErrStorage, "storing the image: %v", err)
		}
		if err := os.Rename(tmp, path); err != nil {
			return fail(ErrStorage, "storing the image: %v", err)
		}
	}
	writeJSON(w, http.StatusCreated, map[string]string{"url": "/images/" + name})
	return nil
}

// handleImage serves an uploaded image to viewers.
func (s *Server) handleImage(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	if !imageName.MatchString(name) {
		writeError(w, fail(ErrNotFound, "no such image"))
		return
	}
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	http.ServeFile(w, r, filepath.Join(s.imageDir(), name))
}

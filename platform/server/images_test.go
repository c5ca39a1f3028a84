package server

import (
	"bytes"
	"errors"
	"image"
	"image/png"
	"io"
	"net/http"
	"strings"
	"testing"

	"showcaster/platform"
)

func TestProductImages(t *testing.T) {
	p := newPlatform(t)
	var buf bytes.Buffer
	png.Encode(&buf, image.NewGray(image.Rect(0, 0, 8, 8)))

	url, err := p.studio.UploadImage(ctx(t), buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	again, err := p.studio.UploadImage(ctx(t), buf.Bytes())
	if err != nil || again != url || !strings.HasPrefix(url, "/images/") || !strings.HasSuffix(url, ".png") {
		t.Fatalf("uploads answered %q and %q (%v): want one stable /images/….png URL", url, again, err)
	}
	resp, err := http.Get(p.srv.URL() + url)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !bytes.Equal(got, buf.Bytes()) || resp.Header.Get("Content-Type") != "image/png" {
		t.Fatalf("GET %s: %s %q, %d bytes; want the PNG back", url, resp.Status, resp.Header.Get("Content-Type"), len(got))
	}

	// Not an image, too large, no token, a made-up name.
	if _, err := p.studio.UploadImage(ctx(t), []byte("<svg onload=alert(1)>")); statusOfErr(err) != 415 {
		t.Errorf("an SVG/HTML upload: %v, want 415", err)
	}
	big := append(append([]byte(nil), buf.Bytes()...), make([]byte, maxImage)...)
	if _, err := p.studio.UploadImage(ctx(t), big); statusOfErr(err) != 413 {
		t.Errorf("a 4 MiB+ upload: %v, want 413", err)
	}
	anon := platform.NewClient(platform.ClientConfig{BaseURL: p.srv.URL(), Token: "wrong"})
	if _, err := anon.UploadImage(ctx(t), buf.Bytes()); statusOfErr(err) != 401 {
		t.Errorf("an upload with a wrong token: %v, want 401", err)
	}
	for _, name := range []string{"../studio.db", "x.png", strings.Repeat("a", 32) + ".html"} {
		resp, err := http.Get(p.srv.URL() + "/images/" + name)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 404 {
			t.Errorf("GET /images/%s: %s, want 404", name, resp.Status)
		}
	}
}

func statusOfErr(err error) int {
	var e *platform.APIError
	if errors.As(err, &e) {
		return e.Status
	}
	return 0
}

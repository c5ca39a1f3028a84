package app

import (
	"context"
	"fmt"
	"image"
	_ "image/gif" // product pictures from shops come in any of these
	_ "image/jpeg"
	_ "image/png"
	"io"
	"net/http"
	"strings"
	"time"

	_ "golang.org/x/image/webp"
)

// maxWebImage bounds a product picture fetched from the web.
const maxWebImage = 8 << 20

func isWebImage(ref string) bool {
	return strings.HasPrefix(ref, "http://") || strings.HasPrefix(ref, "https://")
}

// fetchImage downloads and decodes a product picture.
func fetchImage(ctx context.Context, client *http.Client, url string) (image.Image, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("the server answered %s", resp.Status)
	}
	img, _, err := image.Decode(io.LimitReader(resp.Body, maxWebImage))
	if err != nil {
		return nil, fmt.Errorf("not a PNG, JPEG, GIF or WebP picture: %w", err)
	}
	return img, nil
}

// prefetchLocked starts downloading the web pictures of the loaded products
// that are not cached yet, so a card is ready by the time it goes on air.
// The desk never waits on the network: until a picture arrives its card
// shows the placeholder, and a card on air is drawn again when it does.
func (d *ProductDesk) prefetchLocked() {
	for _, p := range d.products {
		ref := p.ImageURL
		if !isWebImage(ref) || d.fetching[ref] {
			continue
		}
		if _, cached := d.images[ref]; cached {
			continue
		}
		d.fetching[ref] = true
		go d.fetch(ref)
	}
}

func (d *ProductDesk) fetch(ref string) {
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	img, err := fetchImage(ctx, d.cfg.HTTP, ref)
	d.mu.Lock()
	defer d.mu.Unlock()
	delete(d.fetching, ref)
	d.images[ref] = img // nil after a failure: the placeholder, and no retry loop
	if err != nil {
		d.cfg.Emit(Notice{Err: fmt.Errorf("the product picture %s could not be loaded, the card shows a placeholder: %w", ref, err),
			Msg: Say(err, "The product picture %s could not be loaded, so the card shows a placeholder. Check the picture's address or file in the catalogue.", ref)})
		return
	}
	if d.closed {
		return
	}
	if i := d.indexLocked(d.onAir); i >= 0 && d.products[i].ImageURL == ref {
		d.showCardLocked(d.products[i], false)
	}
	d.cfg.Emit(ProductsChanged{})
}

// Picture is the product's photo as the card draws it: nil while a web
// picture is on its way, or when there is none (the placeholder).
func (d *ProductDesk) Picture(id string) image.Image {
	d.mu.Lock()
	defer d.mu.Unlock()
	i := d.indexLocked(id)
	if i < 0 {
		return nil
	}
	return d.imageLocked(d.products[i].ImageURL)
}

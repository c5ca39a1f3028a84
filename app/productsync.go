package app

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"

	"showcaster/app/store"
	"showcaster/platform"
)

func (d *ProductDesk) pin(showID string, p store.Product) {
	if d.cfg.Platform == nil || showID == "" {
		return
	}
	d.plat.put("pin", func() {
		ctx, cancel := context.WithTimeout(context.Background(), d.cfg.PlatformTimeout)
		defer cancel()
		pp := p.Product
		pp.ImageURL = d.publicImage(ctx, pp.ImageURL)
		if err := d.cfg.Platform.Pin(ctx, showID, pp); err != nil {
			d.cfg.Emit(Notice{Err: fmt.Errorf("%w: pin %d号链接: %w", ErrProductPin, p.LinkNo, err),
				Msg: Say(ErrProductPin, "Link %d is on air, but the platform did not pin it for buyers. Check the connection, then press Explain now again.", p.LinkNo)})
		}
	})
}

// ImageUploader is a platform that hosts product images for the viewer
// page (platform.Client is one).
type ImageUploader interface {
	UploadImage(ctx context.Context, data []byte) (string, error)
}

// publicImage turns a product image the viewers' browsers cannot reach (a
// file on this computer) into one the platform serves, uploading it once per
// file version. Web addresses pass through; a failure leaves the buy card
// without a picture and says why, but never holds up the pin.
func (d *ProductDesk) publicImage(ctx context.Context, ref string) string {
	if ref == "" || strings.HasPrefix(ref, "http://") || strings.HasPrefix(ref, "https://") {
		return ref
	}
	up, ok := d.cfg.Platform.(ImageUploader)
	if !ok {
		return ""
	}
	info, err := os.Stat(ref)
	if err != nil {
		return ""
	}
	key := fmt.Sprintf("%s|%d|%d", ref, info.Size(), info.ModTime().UnixNano())
	d.mu.Lock()
	url, done := d.uploaded[key]
	d.mu.Unlock()
	if done {
		return url
	}
	data, err := os.ReadFile(ref)
	if err == nil {
		url, err = up.UploadImage(ctx, data)
	}
	if err != nil {
		d.cfg.Emit(Notice{Err: fmt.Errorf("the product picture %s could not go to the platform, so the buy card shows none: %w", ref, err),
			Msg: Say(err, "The product picture %s could not go to the platform, so the viewers' buy card shows none. Check the picture and the platform connection, then put the product on air again.", ref)})
		return ""
	}
	d.mu.Lock()
	d.uploaded[key] = url
	d.mu.Unlock()
	return url
}

func (d *ProductDesk) unpin(showID string) {
	if d.cfg.Platform == nil || showID == "" {
		return
	}
	d.plat.put("pin", func() {
		ctx, cancel := context.WithTimeout(context.Background(), d.cfg.PlatformTimeout)
		defer cancel()
		if err := d.cfg.Platform.Unpin(ctx, showID); err != nil {
			d.cfg.Emit(Notice{Err: fmt.Errorf("%w: unpin: %w", ErrProductPin, err),
				Msg: Say(ErrProductPin, "The card is off air, but the platform still shows the buy link. Check the connection, then press Take down again.")})
		}
	})
}

func (d *ProductDesk) postBulletin(showID, text string) {
	if d.cfg.Platform == nil || showID == "" {
		return
	}
	d.plat.put("bulletin", func() {
		ctx, cancel := context.WithTimeout(context.Background(), d.cfg.PlatformTimeout)
		defer cancel()
		if err := d.cfg.Platform.Bulletin(ctx, showID, text); err != nil {
			d.cfg.Emit(Notice{Err: fmt.Errorf("%w: bulletin: %w", ErrProductPin, err),
				Msg: Say(ErrProductPin, "The bulletin is on air, but the viewer page did not get it. Check the connection, then post it again.")})
		}
	})
}

// Sync waits until the platform calls asked for so far are done.
func (d *ProductDesk) Sync() { d.plat.sync() }

// platformQueue runs platform calls one at a time, in order, keeping only
// the newest pending call of each kind: after "pin A, pin B, unpin" only the
// unpin needs to reach the platform, and a slow network cannot make an old
// pin land after a new one.
type platformQueue struct {
	mu      sync.Mutex
	cond    *sync.Cond
	order   []string
	pending map[string]func()
	busy    bool
	closed  bool
	done    chan struct{}
}

func (q *platformQueue) start() {
	q.cond = sync.NewCond(&q.mu)
	q.pending = map[string]func(){}
	q.done = make(chan struct{})
	go q.run()
}

func (q *platformQueue) put(kind string, job func()) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return
	}
	if _, ok := q.pending[kind]; !ok {
		q.order = append(q.order, kind)
	}
	q.pending[kind] = job
	q.cond.Broadcast()
}

func (q *platformQueue) run() {
	defer close(q.done)
	q.mu.Lock()
	defer q.mu.Unlock()
	for {
		for len(q.order) == 0 && !q.closed {
			q.cond.Wait()
		}
		if len(q.order) == 0 {
			return
		}
		kind := q.order[0]
		q.order = q.order[1:]
		job := q.pending[kind]
		delete(q.pending, kind)
		q.busy = true
		q.mu.Unlock()
		job()
		q.mu.Lock()
		q.busy = false
		q.cond.Broadcast()
	}
}

func (q *platformQueue) sync() {
	q.mu.Lock()
	defer q.mu.Unlock()
	for len(q.order) > 0 || q.busy {
		q.cond.Wait()
	}
}

func (q *platformQueue) close() {
	q.mu.Lock()
	q.closed = true
	q.cond.Broadcast()
	q.mu.Unlock()
	<-q.done
}

// CartPublisher is a platform that holds the show's product list for the
// viewers' cart (platform.Client is one).
type CartPublisher interface {
	SetProducts(ctx context.Context, showID string, products []Product) ([]Product, error)
}

// publishCart puts the show's list, as it is when the call runs, in the
// viewers' cart; every change of the list or of a product asks again, and
// the queue keeps only the newest pending one.
func (d *ProductDesk) publishCart(showID string) {
	if d.cfg.Platform == nil || showID == "" {
		return
	}
	cp, ok := d.cfg.Platform.(CartPublisher)
	if !ok {
		return
	}
	d.plat.put("cart", func() {
		ctx, cancel := context.WithTimeout(context.Background(), d.cfg.PlatformTimeout)
		defer cancel()
		if d.ShowID() != showID {
			return // another show was loaded meanwhile; its own call follows
		}
		list := d.rawProducts()
		out := make([]Product, 0, len(list))
		for _, p := range list {
			pp := p.Product
			pp.ImageURL = d.publicImage(ctx, pp.ImageURL)
			out = append(out, pp)
		}
		if _, err := cp.SetProducts(ctx, showID, out); err != nil && !errors.Is(err, platform.ErrWrongState) {
			d.cfg.Emit(Notice{Err: fmt.Errorf("%w: the cart: %w", ErrProductPin, err),
				Msg: Say(ErrProductPin, "The viewers' cart did not get the latest product list. Check the connection; the next change sends it again.")})
		}
	})
}

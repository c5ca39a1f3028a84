//go:build linux && cgo

package native

/*
#cgo pkg-config: x11 xext
#include <stdlib.h>
#include <X11/Xlib.h>
#include <X11/Xutil.h>
#include <X11/extensions/XShm.h>
#include <X11/extensions/shape.h>
#include <sys/ipc.h>
#include <sys/shm.h>

// Errors on the studio's own connection are recorded and answered by the
// caller; errors on any other connection (the toolkit's) go to the handler
// that was there before.
static Display *sc_dpy;
static int sc_error;
static int (*sc_prev)(Display *, XErrorEvent *);

static int sc_on_error(Display *d, XErrorEvent *e) {
	if (d == sc_dpy) {
		if (!sc_error) sc_error = e->error_code;
		return 0;
	}
	return sc_prev ? sc_prev(d, e) : 0;
}

static Display *sc_open(int *shm, int *shape) {
	Display *d = XOpenDisplay(NULL);
	if (!d) return NULL;
	sc_dpy = d;
	sc_prev = XSetErrorHandler(sc_on_error);
	int ev, er;
	*shm = XShmQueryExtension(d);
	*shape = XShapeQueryExtension(d, &ev, &er);
	return d;
}

static void sc_close(Display *d) {
	XCloseDisplay(d);
	if (sc_dpy == d) sc_dpy = NULL;
}

// sc_sync waits for the server and returns the first error since the last call.
static int sc_sync(Display *d) {
	XSync(d, False);
	int e = sc_error;
	sc_error = 0;
	return e;
}

static Window sc_create(Display *d, Window parent, const char *name, Visual **visual, int *depth) {
	XSetWindowAttributes a;
	a.background_pixmap = None; // no flash of a background before the first picture
	a.event_mask = ExposureMask;  // pointer and keys go on to the studio's window
	a.do_not_propagate_mask = 0;
	Window w = XCreateWindow(d, parent, 0, 0, 1, 1, 0, CopyFromParent, InputOutput,
		CopyFromParent, CWBackPixmap | CWEventMask | CWDontPropagate, &a);
	XStoreName(d, w, name);
	XWindowAttributes wa;
	if (!XGetWindowAttributes(d, w, &wa)) return w;
	*visual = wa.visual;
	*depth = wa.depth;
	return w;
}

static int sc_visual_ok(Visual *v, int depth) {
	return v && (depth == 24 || depth == 32) && v->class == TrueColor &&
		v->red_mask == 0xff0000 && v->green_mask == 0xff00 && v->blue_mask == 0xff;
}

static XImage *sc_image_shm(Display *d, Visual *v, int depth, int w, int h, XShmSegmentInfo *info) {
	XImage *img = XShmCreateImage(d, v, depth, ZPixmap, NULL, info, w, h);
	if (!img) return NULL;
	info->shmid = shmget(IPC_PRIVATE, img->bytes_per_line * img->height, IPC_CREAT | 0600);
	if (info->shmid < 0) { XDestroyImage(img); return NULL; }
	info->shmaddr = img->data = shmat(info->shmid, NULL, 0);
	info->readOnly = False;
	if (info->shmaddr == (char *)-1) {
		shmctl(info->shmid, IPC_RMID, NULL);
		XDestroyImage(img);
		return NULL;
	}
	XShmAttach(d, info);
	int err = sc_sync(d);
	shmctl(info->shmid, IPC_RMID, NULL); // gone once both sides detach
	if (err) {
		shmdt(info->shmaddr);
		img->data = NULL;
		XDestroyImage(img);
		return NULL;
	}
	return img;
}

static void sc_image_shm_free(Display *d, XImage *img, XShmSegmentInfo *info) {
	XShmDetach(d, info);
	sc_sync(d);
	shmdt(info->shmaddr);
	img->data = NULL;
	XDestroyImage(img);
}

static XImage *sc_image_plain(Display *d, Visual *v, int depth, int w, int h) {
	char *data = malloc((size_t)w * h * 4);
	if (!data) return NULL;
	XImage *img = XCreateImage(d, v, depth, ZPixmap, 0, data, w, h, 32, w * 4);
	if (!img) free(data);
	return img;
}

static int sc_put(Display *d, Window w, GC gc, XImage *img, int shm) {
	if (shm) XShmPutImage(d, w, gc, img, 0, 0, 0, 0, img->width, img->height, False);
	else XPutImage(d, w, gc, img, 0, 0, 0, 0, img->width, img->height);
	// The server has read the pixels before the next picture overwrites them.
	return sc_sync(d);
}

static void sc_shape(Display *d, Window w, XRectangle *r, int n) {
	XShapeCombineRectangles(d, w, ShapeBounding, 0, 0, r, n, ShapeSet, Unsorted);
}

static int sc_next_expose(Display *d, Window *w) {
	while (XPending(d)) {
		XEvent ev;
		XNextEvent(d, &ev);
		if (ev.type == Expose) { *w = ev.xexpose.window; return 1; }
	}
	return 0;
}

// For the package's tests: a mapped top-level window, and one pixel of a
// window as the screen shows it (children included).
static Window sc_toplevel(Display *d, int w, int h, unsigned long bg) {
	Window win = XCreateSimpleWindow(d, DefaultRootWindow(d), 0, 0, w, h, 0, 0, bg);
	XMapWindow(d, win);
	XSync(d, False);
	return win;
}

static unsigned long sc_pixel(Display *d, Window w, int x, int y) {
	XImage *img = XGetImage(d, w, x, y, 1, 1, AllPlanes, ZPixmap);
	if (!img) return 0xdeadbeef;
	unsigned long p = XGetPixel(img, 0, 0);
	XDestroyImage(img);
	return p & 0xffffff;
}

static int sc_bpl(XImage *img) { return img->bytes_per_line; }
static int sc_bpp(XImage *img) { return img->bits_per_pixel; }
static char *sc_data(XImage *img) { return img->data; }
static void sc_destroy_image(XImage *img) { XDestroyImage(img); }
*/
import "C"

import (
	"fmt"
	"image"
	"slices"
	"sync"
	"unsafe"
)

// Display is the studio's own connection to the X server, used only for
// its child windows, so it never shares a connection with the toolkit's
// thread. Its methods may be called from any one goroutine at a time.
type Display struct {
	mu       sync.Mutex
	dpy      *C.Display
	shm      bool
	surfaces map[C.Window]*Surface
}

// Open connects to the X server the studio's window is on ($DISPLAY).
func Open() (*Display, error) {
	var shm, shape C.int
	dpy := C.sc_open(&shm, &shape)
	if dpy == nil {
		return nil, fmt.Errorf("%w: cannot connect to the X server", ErrUnsupported)
	}
	if shape == 0 {
		C.sc_close(dpy)
		return nil, fmt.Errorf("%w: the X server lacks the SHAPE extension", ErrUnsupported)
	}
	return &Display{dpy: dpy, shm: shm != 0, surfaces: map[C.Window]*Surface{}}, nil
}

// SharedMemory says whether pictures reach the server through shared
// memory (a local display) rather than over the socket.
func (d *Display) SharedMemory() bool { return d.shm }

// Close destroys every surface and closes the connection.
func (d *Display) Close() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.dpy == nil {
		return
	}
	for _, s := range d.surfaces {
		s.closeLocked()
	}
	C.sc_close(d.dpy)
	d.dpy = nil
}

// Surface is one child window showing a picture.
type Surface struct {
	d      *Display
	win    C.Window
	gc     C.GC
	visual *C.Visual
	depth  C.int

	img    *C.XImage
	shm    C.XShmSegmentInfo
	useShm bool
	size   image.Point

	rect   image.Rectangle // where it is, in the parent's pixels
	holes  []image.Rectangle
	mapped bool // on the screen, with a picture (Draw maps it)
}

// NewSurface makes a child window of parent, hidden until its first
// picture. name is the window's name (xwininfo shows it).
func (d *Display) NewSurface(parent Parent, name string) (*Surface, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.dpy == nil {
		return nil, fmt.Errorf("%w: the display is closed", ErrUnsupported)
	}
	if parent == 0 {
		return nil, fmt.Errorf("%w: the window has no X11 handle", ErrUnsupported)
	}
	cname := C.CString(name)
	defer C.free(unsafe.Pointer(cname))
	s := &Surface{d: d}
	s.win = C.sc_create(d.dpy, C.Window(parent), cname, &s.visual, &s.depth)
	if e := C.sc_sync(d.dpy); e != 0 || s.win == 0 {
		return nil, fmt.Errorf("%w: creating a child window failed (X error %d)", ErrUnsupported, int(e))
	}
	if C.sc_visual_ok(s.visual, s.depth) == 0 {
		C.XDestroyWindow(d.dpy, s.win)
		C.sc_sync(d.dpy)
		return nil, fmt.Errorf("%w: the window's pixel format (depth %d) is not 32-bit BGRX", ErrUnsupported, int(s.depth))
	}
	s.gc = C.XCreateGC(d.dpy, C.Drawable(s.win), 0, nil)
	d.surfaces[s.win] = s
	return s, nil
}

// Place puts the surface at r (the parent window's pixels) with the holes
// cut out of it, where the toolkit's own drawing shows through. It does not
// show a hidden surface: Draw does.
func (s *Surface) Place(r image.Rectangle, holes []image.Rectangle) error {
	s.d.mu.Lock()
	defer s.d.mu.Unlock()
	if s.d.dpy == nil || s.win == 0 {
		return ErrUnsupported
	}
	if r.Empty() {
		s.hideLocked()
		return nil
	}
	dpy := s.d.dpy
	moved := r != s.rect
	if !moved && slices.Equal(holes, s.holes) {
		return nil
	}
	if moved {
		C.XMoveResizeWindow(dpy, s.win, C.int(r.Min.X), C.int(r.Min.Y), C.uint(r.Dx()), C.uint(r.Dy()))
	}
	if moved || !slices.Equal(holes, s.holes) {
		// The shape is in the window's own coordinates.
		local := outside(image.Rect(0, 0, r.Dx(), r.Dy()), shift(holes, r.Min))
		xr := make([]C.XRectangle, len(local))
		for i, b := range local {
			xr[i] = C.XRectangle{x: C.short(b.Min.X), y: C.short(b.Min.Y), width: C.ushort(b.Dx()), height: C.ushort(b.Dy())}
		}
		C.sc_shape(dpy, s.win, unsafe.SliceData(xr), C.int(len(xr)))
		s.holes = slices.Clone(holes)
	}
	s.rect = r
	if e := C.sc_sync(dpy); e != 0 {
		return fmt.Errorf("placing the picture failed (X error %d)", int(e))
	}
	return nil
}

func shift(rs []image.Rectangle, by image.Point) []image.Rectangle {
	out := make([]image.Rectangle, len(rs))
	for i, r := range rs {
		out[i] = r.Sub(by)
	}
	return out
}

// Draw shows img at the surface's top left corner (as much of it as fits)
// and shows the surface if it was hidden.
func (s *Surface) Draw(img *image.RGBA) error {
	s.d.mu.Lock()
	defer s.d.mu.Unlock()
	if s.d.dpy == nil || s.win == 0 {
		return ErrUnsupported
	}
	size := img.Bounds().Size()
	if size.X <= 0 || size.Y <= 0 {
		return nil
	}
	if err := s.ensureImageLocked(size); err != nil {
		return err
	}
	bpl := int(C.sc_bpl(s.img))
	buf := unsafe.Slice((*byte)(unsafe.Pointer(C.sc_data(s.img))), bpl*size.Y)
	swizzle(buf, bpl, img, size.X, size.Y)
	if !s.mapped {
		C.XMapWindow(s.d.dpy, s.win)
		s.mapped = true
	}
	return s.putLocked()
}

func (s *Surface) putLocked() error {
	useShm := C.int(0)
	if s.useShm {
		useShm = 1
	}
	if e := C.sc_put(s.d.dpy, s.win, s.gc, s.img, useShm); e != 0 {
		return fmt.Errorf("drawing the picture failed (X error %d)", int(e))
	}
	return nil
}

func (s *Surface) ensureImageLocked(size image.Point) error {
	if s.img != nil && s.size == size {
		return nil
	}
	s.freeImageLocked()
	dpy := s.d.dpy
	if s.d.shm {
		if img := C.sc_image_shm(dpy, s.visual, s.depth, C.int(size.X), C.int(size.Y), &s.shm); img != nil {
			s.img, s.useShm = img, true
		}
	}
	if s.img == nil {
		s.img = C.sc_image_plain(dpy, s.visual, s.depth, C.int(size.X), C.int(size.Y))
		s.useShm = false
	}
	if s.img == nil {
		return fmt.Errorf("no memory for a %dx%d picture", size.X, size.Y)
	}
	if bpp := int(C.sc_bpp(s.img)); bpp != 32 {
		s.freeImageLocked()
		return fmt.Errorf("%w: the server's pictures have %d bits a pixel, not 32", ErrUnsupported, bpp)
	}
	s.size = size
	return nil
}

func (s *Surface) freeImageLocked() {
	if s.img == nil {
		return
	}
	if s.useShm {
		C.sc_image_shm_free(s.d.dpy, s.img, &s.shm)
	} else {
		C.sc_destroy_image(s.img)
	}
	s.img, s.useShm, s.size = nil, false, image.Point{}
}

// Hide takes the surface off the screen (the toolkit's drawing beneath
// shows again); the next Draw brings it back.
func (s *Surface) Hide() {
	s.d.mu.Lock()
	defer s.d.mu.Unlock()
	s.hideLocked()
}

func (s *Surface) hideLocked() {
	if s.d.dpy == nil || !s.mapped {
		return
	}
	C.XUnmapWindow(s.d.dpy, s.win)
	C.sc_sync(s.d.dpy)
	s.mapped = false
}

// Shown says whether the surface is on the screen.
func (s *Surface) Shown() bool {
	s.d.mu.Lock()
	defer s.d.mu.Unlock()
	return s.mapped
}

// Close destroys the surface.
func (s *Surface) Close() {
	s.d.mu.Lock()
	defer s.d.mu.Unlock()
	s.closeLocked()
}

func (s *Surface) closeLocked() {
	if s.d.dpy == nil || s.win == 0 {
		return
	}
	s.freeImageLocked()
	C.XFreeGC(s.d.dpy, s.gc)
	C.XDestroyWindow(s.d.dpy, s.win)
	C.sc_sync(s.d.dpy)
	delete(s.d.surfaces, s.win)
	s.win = 0
	s.mapped = false
}

// Poll answers the server's requests to redraw (a surface uncovered after
// a window passed over it) from each surface's last picture.
func (d *Display) Poll() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.dpy == nil {
		return
	}
	var w C.Window
	for C.sc_next_expose(d.dpy, &w) != 0 {
		if s := d.surfaces[w]; s != nil && s.mapped && s.img != nil {
			s.putLocked()
		}
	}
}

// topLevel makes a mapped top-level window of the given size and
// background (0xRRGGBB), to stand in for the studio's window in tests.
func (d *Display) topLevel(w, h int, bg uint32) Parent {
	d.mu.Lock()
	defer d.mu.Unlock()
	return Parent(C.sc_toplevel(d.dpy, C.int(w), C.int(h), C.ulong(bg)))
}

// pixel is the colour (0xRRGGBB) the screen shows at (x, y) of window p.
func (d *Display) pixel(p Parent, x, y int) uint32 {
	d.mu.Lock()
	defer d.mu.Unlock()
	C.XSync(d.dpy, C.False)
	return uint32(C.sc_pixel(d.dpy, C.Window(p), C.int(x), C.int(y)))
}

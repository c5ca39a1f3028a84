package capture

import (
	"errors"
	"os"
	"testing"
	"time"
)

func TestDevicesListWithKnownClasses(t *testing.T) {
	devs, err := Devices()
	if err != nil {
		t.Logf("some devices did not report formats: %v", err)
	}
	for _, d := range devs {
		if DeviceClass(d.ID) == "" || d.Label == "" {
			t.Errorf("device %+v has no class prefix or no label", d)
		}
	}
	for _, d := range BuiltinDevices() {
		if DeviceClass(d.ID) != ClassBuiltin {
			t.Errorf("built-in %+v is not in the builtin class", d)
		}
	}
}

func hasDevice(t *testing.T, class string) bool {
	devs, _ := Devices()
	for _, d := range devs {
		if DeviceClass(d.ID) == class {
			return true
		}
	}
	return false
}

func TestOpenMissingDevicesFailsCleanly(t *testing.T) {
	if _, err := OpenCamera("camera:no-such-camera", 640, 480, 30); !errors.Is(err, ErrNoDevice) {
		t.Errorf("unknown camera: %v, want ErrNoDevice", err)
	}
	if _, err := OpenScreen("no-such-screen", 10); !errors.Is(err, ErrNoDevice) {
		t.Errorf("unknown screen: %v, want ErrNoDevice", err)
	}
	if !hasDevice(t, ClassMicrophone) {
		// The trap: without sound hardware the audio library offers a null
		// device; asking for "the default microphone" must not pick it.
		if _, err := OpenMicrophone(""); !errors.Is(err, ErrNoDevice) {
			t.Errorf("default microphone on a machine without one: %v, want ErrNoDevice", err)
		}
	}
}

func TestScreenCapture(t *testing.T) {
	if os.Getenv("DISPLAY") == "" || !hasDevice(t, ClassScreen) {
		t.Skip("no X11 screen: run under Xvfb (Xvfb :99 & export DISPLAY=:99) to test screen capture")
	}
	src, err := OpenScreen("", 10)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		f, err := src.Read()
		if err != nil {
			t.Fatal(err)
		}
		img := f.Image
		w, h := img.Rect.Dx(), img.Rect.Dy()
		if w < 2 || h < 2 || w%2 != 0 || h%2 != 0 || img.YStride != w || img.CStride != w/2 || len(img.Cb) != w/2*h/2 {
			t.Fatalf("frame %d: %dx%d strides %d/%d: not tight even I420", i, w, h, img.YStride, img.CStride)
		}
		if time.Since(f.Time) > time.Minute {
			t.Fatalf("frame time %v is not the capture time", f.Time)
		}
	}
	if err := src.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := src.Read(); err == nil {
		t.Fatal("read after close succeeded")
	}
}

func TestCameraCapture(t *testing.T) {
	if !hasDevice(t, ClassCamera) {
		t.Skip("no camera on this machine: plug one in to test camera capture")
	}
	src, err := OpenCamera("", 1280, 720, 30)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	f, err := src.Read()
	if err != nil {
		t.Fatal(err)
	}
	if f.Image.YStride != f.Image.Rect.Dx() {
		t.Fatal("camera frame is not tight I420")
	}
}

func TestMicrophoneCapture(t *testing.T) {
	if !hasDevice(t, ClassMicrophone) {
		t.Skip("no microphone on this machine: plug one in to test microphone capture")
	}
	src, err := OpenMicrophone("")
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	c, err := src.Read()
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Samples) != ChunkFrames*c.Channels {
		t.Fatalf("chunk of %d samples for %d channels, want 20 ms", len(c.Samples), c.Channels)
	}
}

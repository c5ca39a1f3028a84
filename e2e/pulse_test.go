package e2e

import (
	"bytes"
	"encoding/binary"
	"flag"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

var (
	latencyPulse = flag.Bool("latency.pulse", false, "give Chromium a sound server as viewers with speakers have: a private PulseAudio with a null sink (pulseaudio must be installed)")
	latencySink  = flag.Int("latency.sink-ms", 0, "with -latency.pulse: the output latency Chromium's stream asks the sound server for (PULSE_LATENCY_MSEC), e.g. 20 for a typical sound card; 0 leaves it to Chromium")
)

// soundServer is a PulseAudio daemon of the test's own: its runtime
// directory, socket and state live in a temporary directory, so no other
// process (nor another engineer's test) sees it, and it is stopped by pid.
type soundServer struct {
	dir    string
	socket string
	cmd    *exec.Cmd
	logs   *bytes.Buffer
	mu     sync.Mutex
}

// startSoundServer starts PulseAudio with one null sink (the default output)
// and a native socket in a private directory; Chromium reaches it through
// the environment soundEnv returns.
func startSoundServer(t testing.TB) *soundServer {
	t.Helper()
	bin, err := exec.LookPath("pulseaudio")
	if err != nil {
		t.Skipf("no pulseaudio for the sound-server measurement (apt-get install pulseaudio): %v", err)
	}
	// A short path: unix socket names are limited to 108 bytes.
	dir, err := os.MkdirTemp("", "sc-pulse-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	ss := &soundServer{dir: dir, socket: filepath.Join(dir, "native"), logs: &bytes.Buffer{}}
	ss.cmd = exec.Command(bin, "-n", "--daemonize=no", "--exit-idle-time=-1", "--use-pid-file=no",
		"--log-target=stderr", "--log-level=warning", "--disable-shm=no",
		"-L", "module-null-sink sink_name=viewer_speakers sink_properties=device.description=viewer_speakers",
		"-L", "module-native-protocol-unix auth-anonymous=1 socket="+ss.socket,
		"-L", "module-always-sink")
	ss.cmd.Env = append(os.Environ(), "PULSE_RUNTIME_PATH="+dir, "PULSE_STATE_PATH="+dir, "PULSE_CONFIG_PATH="+dir,
		"XDG_RUNTIME_DIR="+dir, "XDG_CONFIG_HOME="+dir, "HOME="+dir)
	ss.cmd.Stdout, ss.cmd.Stderr = ss.logs, ss.logs
	ss.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := ss.cmd.Start(); err != nil {
		t.Fatalf("start pulseaudio: %v", err)
	}
	exited := make(chan struct{})
	go func() { _ = ss.cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		_ = ss.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			_ = ss.cmd.Process.Kill()
			<-exited
		}
	})
	end := time.Now().Add(20 * time.Second)
	for {
		if _, err := os.Stat(ss.socket); err == nil {
			break
		}
		select {
		case <-exited:
			t.Fatalf("pulseaudio exited at start:\n%s", ss.logs.String())
		default:
		}
		if time.Now().After(end) {
			t.Fatalf("pulseaudio made no socket in 20 s:\n%s", ss.logs.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Logf("sound server: pulseaudio pid %d, socket %s", ss.cmd.Process.Pid, ss.socket)
	return ss
}

// browserOptions point Chromium at this sound server (and at nothing else).
func (ss *soundServer) browserOptions(sinkMs int) []chromedp.ExecAllocatorOption {
	env := []string{"PULSE_SERVER=unix:" + ss.socket, "PULSE_RUNTIME_PATH=" + ss.dir}
	if sinkMs > 0 {
		env = append(env, "PULSE_LATENCY_MSEC="+strconv.Itoa(sinkMs))
	}
	return []chromedp.ExecAllocatorOption{chromedp.Env(env...), chromedp.Flag("mute-audio", false)}
}

// listen records the viewer's speakers (the null sink's monitor) with
// parec and notes, on the wall clock, the onset of every burst of the sound
// time code (soundcode_test.go) that reaches them: what a viewer hears and
// when. It stops with the test.
func (ss *soundServer) listen(t testing.TB) *hearing {
	t.Helper()
	bin, err := exec.LookPath("parec")
	if err != nil {
		t.Skipf("no parec to hear the sound time code (apt-get install pulseaudio-utils): %v", err)
	}
	cmd := exec.Command(bin, "-d", "viewer_speakers.monitor", "--raw", "--format=s16le", "--rate=48000", "--channels=1", "--latency-msec=5")
	cmd.Env = append(os.Environ(), "PULSE_SERVER=unix:"+ss.socket, "PULSE_RUNTIME_PATH="+ss.dir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start parec: %v", err)
	}
	h := &hearing{}
	done := make(chan struct{})
	go func() {
		defer close(done)
		buf := make([]byte, 480) // 5 ms
		quiet := math.MaxInt
		for {
			n, err := out.Read(buf)
			at := time.Now()
			for i := 0; i+1 < n; i += 2 {
				v := int16(binary.LittleEndian.Uint16(buf[i:]))
				if v > -soundCodeThreshold && v < soundCodeThreshold {
					quiet++
					continue
				}
				if quiet > 48000*3/10 {
					// This sample left the speakers (n-i)/2 samples before the read returned.
					heard := at.Add(-time.Duration((n-i)/2) * time.Second / 48000)
					h.add(heard)
				}
				quiet = 0
			}
			if err != nil {
				return
			}
		}
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		<-done
	})
	return h
}

// hearing holds the sound time code's delays as heard: onset time minus the
// whole second it was captured at (the sound's latency is well under a second).
type hearing struct {
	mu     sync.Mutex
	delays []float64
}

func (h *hearing) add(at time.Time) {
	ms := float64(at.UnixNano()%int64(time.Second)) / 1e6
	h.mu.Lock()
	h.delays = append(h.delays, ms)
	h.mu.Unlock()
}

func (h *hearing) count() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.delays)
}

func (h *hearing) since(n int) []float64 {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.delays[n:])
}

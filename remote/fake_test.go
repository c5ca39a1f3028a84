package remote

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"
)

// fakeStudio is a studio in memory: three scenes, a camera and a
// microphone, a stream and a recording that start and stop at once.
type fakeStudio struct {
	mu        sync.Mutex
	srv       *Server
	live      bool
	recording bool
	recN      int
	scenes    []string
	current   string
	micMuted  bool
	stopped   chan struct{} // closed at StopStream, as `showcaster live` ends
	bulletins []string
}

func newFakeStudio() *fakeStudio {
	return &fakeStudio{live: true, scenes: []string{"全屏 Full", "画中画 PiP", "并排 Side"}, current: "全屏 Full", stopped: make(chan struct{})}
}

func (f *fakeStudio) emit(ev Event) {
	if f.srv != nil {
		f.srv.Emit(ev)
	}
}

func (f *fakeStudio) StreamStatus() OutputStatus {
	f.mu.Lock()
	defer f.mu.Unlock()
	return OutputStatus{Active: f.live, Duration: 61500 * time.Millisecond, Bytes: 1 << 20, TotalFrames: 1845}
}

func (f *fakeStudio) StartStream(context.Context) error {
	f.mu.Lock()
	if f.live {
		f.mu.Unlock()
		return ErrOutputRunning
	}
	f.live = true
	f.mu.Unlock()
	f.emit(StreamStateChanged{Active: true, State: OutputStarted})
	return nil
}

func (f *fakeStudio) StopStream(context.Context) error {
	f.mu.Lock()
	if !f.live {
		f.mu.Unlock()
		return ErrOutputNotRunning
	}
	f.live = false
	f.mu.Unlock()
	f.emit(StreamStateChanged{Active: false, State: OutputStopped})
	close(f.stopped)
	return nil
}

func (f *fakeStudio) RecordStatus() OutputStatus {
	f.mu.Lock()
	defer f.mu.Unlock()
	return OutputStatus{Active: f.recording}
}

func (f *fakeStudio) StartRecord(context.Context) error {
	f.mu.Lock()
	if f.recording {
		f.mu.Unlock()
		return ErrOutputRunning
	}
	f.recording = true
	f.recN++
	f.mu.Unlock()
	f.emit(RecordStateChanged{Active: true, State: OutputStarted})
	return nil
}

func (f *fakeStudio) StopRecord(context.Context) (string, error) {
	f.mu.Lock()
	if !f.recording {
		f.mu.Unlock()
		return "", ErrOutputNotRunning
	}
	f.recording = false
	path := fmt.Sprintf("/tmp/show-%d.mkv", f.recN)
	f.mu.Unlock()
	f.emit(RecordStateChanged{Active: false, State: OutputStopped, Path: path})
	return path, nil
}

func (f *fakeStudio) Scenes() ([]string, string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.scenes), f.current
}

func (f *fakeStudio) SetScene(_ context.Context, name string) error {
	f.mu.Lock()
	if !slices.Contains(f.scenes, name) {
		f.mu.Unlock()
		return ErrNotFound
	}
	f.current = name
	f.mu.Unlock()
	f.emit(CurrentProgramSceneChanged{Name: name})
	return nil
}

func (f *fakeStudio) Inputs() []Input {
	f.mu.Lock()
	defer f.mu.Unlock()
	return []Input{{Name: "Camera", Kind: "camera"}, {Name: "Microphone", Kind: "microphone", Audio: true, Muted: f.micMuted}}
}

func (f *fakeStudio) SetInputMuted(name string, muted bool) error {
	if name != "Microphone" {
		return ErrNotFound
	}
	f.mu.Lock()
	f.micMuted = muted
	f.mu.Unlock()
	f.emit(InputMuteStateChanged{Name: name, Muted: muted})
	return nil
}

func (f *fakeStudio) Stats() Stats { return Stats{ActiveFPS: 30, RenderTotal: 900} }

func (f *fakeStudio) Vendor(_ context.Context, req string, data map[string]any) (map[string]any, error) {
	switch req {
	case "PostBulletin":
		text, _ := data["text"].(string)
		if text == "" {
			return nil, fmt.Errorf("%w: text", ErrMissingField)
		}
		f.mu.Lock()
		f.bulletins = append(f.bulletins, text)
		f.mu.Unlock()
		return map[string]any{"posted": true}, nil
	case "ExplainNextProduct":
		return map[string]any{"productId": "p2"}, nil
	}
	return nil, fmt.Errorf("%w: %s", ErrUnknownRequest, req)
}

package app

import (
	"context"
	"sync"
	"time"

	"showcaster/publish"
)

// DestinationTestTime is how long "Test" publishes the program.
const DestinationTestTime = 3 * time.Second

// Destination states, for the window (which does not import publish).
const (
	DestConnecting   = publish.StateConnecting
	DestLive         = publish.StateLive
	DestReconnecting = publish.StateReconnecting
	DestStopped      = publish.StateStopped
)

// DestinationStatus is one destination's health for the health bar.
type DestinationStatus struct {
	Name       string
	State      publish.State
	FPS        float64
	Reconnects int
	// Err says why it stopped (a refused key…) or why it reconnects.
	Err error
}

// DestinationsUpdate reports every destination once a second while the
// show is live (empty when they have stopped).
type DestinationsUpdate struct{ Items []DestinationStatus }

func (DestinationsUpdate) isEvent() {}

// studioDests is the studio's extra destinations: one hub per engine, kept
// across shows (the engine's audio tap feeds it).
type studioDests struct {
	mu     sync.Mutex
	eng    *Engine
	dests  *Destinations
	cancel context.CancelFunc
	last   map[string]error // why each one last reconnected
	list   []DestinationSpec
}

// DestinationList is the destinations the host set up.
func (s *Studio) DestinationList() []DestinationSpec {
	s.extra.mu.Lock()
	defer s.extra.mu.Unlock()
	return append([]DestinationSpec(nil), s.extra.list...)
}

// SaveDestinations replaces the list (the window keeps it in its
// preferences, keys like the platform token, and hands it over at start).
func (s *Studio) SaveDestinations(list []DestinationSpec) error {
	s.extra.mu.Lock()
	s.extra.list = append([]DestinationSpec(nil), list...)
	s.extra.mu.Unlock()
	return nil
}

func (s *Studio) destinations() *Destinations {
	eng := s.currentEngine()
	sd := &s.extra
	sd.mu.Lock()
	defer sd.mu.Unlock()
	if sd.dests == nil || sd.eng != eng {
		if sd.dests != nil {
			sd.dests.Close()
		}
		sd.eng = eng
		sd.last = map[string]error{}
		sd.dests = NewDestinations(eng, func(name string, ev publish.Event) {
			if ev.Kind == publish.EventReconnectScheduled {
				sd.mu.Lock()
				sd.last[name] = ev.Err
				sd.mu.Unlock()
			}
		})
	}
	return sd.dests
}

// TestDestination connects a destination, publishes the program for 3 s
// and reports.
func (s *Studio) TestDestination(ctx context.Context, d DestinationSpec) DestinationTest {
	s.mu.Lock()
	ing := s.ingest
	s.mu.Unlock()
	if d.Kind == DestPlatform && ing.WHIPURL == "" {
		return DestinationTest{Err: ErrNotOnAir}
	}
	return s.destinations().Test(ctx, d, ing.WHIPURL, ing.Token, DestinationTestTime)
}

// startDestinations puts every enabled destination on air beside the
// platform's own WHIP session; each reports on its own.
func (s *Studio) startDestinations(ctx context.Context) {
	var on []DestinationSpec
	for _, d := range s.DestinationList() {
		if d.Enabled && d.Kind != DestPlatform { // the platform's session is the engine's own
			on = append(on, d)
		}
	}
	if len(on) == 0 {
		return
	}
	dests := s.destinations()
	s.mu.Lock()
	ing := s.ingest
	s.mu.Unlock()
	var wg sync.WaitGroup
	for _, d := range on {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := dests.Start(ctx, d, ing.WHIPURL, ing.Token); err != nil {
				s.emit(Notice{Err: err})
				s.extra.mu.Lock()
				s.extra.last[d.Name] = err
				s.extra.mu.Unlock()
			}
		}()
	}
	wg.Wait()
	rctx, cancel := context.WithCancel(s.ctx)
	s.extra.mu.Lock()
	if s.extra.cancel != nil {
		s.extra.cancel()
	}
	s.extra.cancel = cancel
	s.extra.mu.Unlock()
	go s.reportDestinations(rctx, on)
}

// reportDestinations emits DestinationsUpdate once a second.
func (s *Studio) reportDestinations(ctx context.Context, specs []DestinationSpec) {
	t := s.clk.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C():
		}
		s.emit(s.destinationsUpdate(specs))
	}
}

func (s *Studio) destinationsUpdate(specs []DestinationSpec) DestinationsUpdate {
	dests := s.destinations()
	stats := dests.Stats()
	s.extra.mu.Lock()
	defer s.extra.mu.Unlock()
	var u DestinationsUpdate
	for _, sp := range specs {
		st := DestinationStatus{Name: sp.Name, State: publish.StateStopped, Err: s.extra.last[sp.Name]}
		if d, ok := findDest(stats, sp.Name); ok {
			st.State, st.FPS, st.Reconnects = d.State, d.FPS, d.ReconnectAttempts
			if d.StopErr != nil {
				st.Err = d.StopErr
			} else if d.State == publish.StateLive {
				st.Err = nil
			}
		}
		u.Items = append(u.Items, st)
	}
	return u
}

// stopDestinations takes every extra destination off air (End).
func (s *Studio) stopDestinations() {
	s.extra.mu.Lock()
	d, cancel := s.extra.dests, s.extra.cancel
	s.extra.cancel = nil
	s.extra.mu.Unlock()
	if cancel != nil {
		cancel()
	}
	if d == nil {
		return
	}
	for _, st := range d.Stats() {
		d.Remove(st.Name)
	}
	s.emit(DestinationsUpdate{})
}

package capture

import (
	"sync"
	"time"

	"showcaster/internal/clock"
)

// pacer releases a built-in source's reads at fixed slots on the injected
// clock. Slots are absolute (start + n·period), so a reader that calls late
// is not pushed back. A picture source that falls more than a slot behind
// skips ahead instead of bursting, as a camera drops frames; a sound source
// delivers what it owes at once, up to catchUp slots, as a sound card's
// buffer does, so the program's sound keeps real time under load.
type pacer struct {
	clk     clock.Clock
	start   time.Time
	period  time.Duration
	next    int64
	catchUp int64
	done    chan struct{}
	once    sync.Once
}

func newPacer(clk clock.Clock, period time.Duration) *pacer {
	clk = clock.OrReal(clk)
	return &pacer{clk: clk, start: clk.Now(), period: period, done: make(chan struct{})}
}

// newSoundPacer is a pacer that catches up to maxLate before skipping.
func newSoundPacer(clk clock.Clock, period, maxLate time.Duration) *pacer {
	p := newPacer(clk, period)
	p.catchUp = int64(maxLate / period)
	return p
}

// wait blocks until the next slot and returns its time.
func (p *pacer) wait() (time.Time, error) {
	select {
	case <-p.done:
		return time.Time{}, ErrClosed
	default:
	}
	due := p.start.Add(time.Duration(p.next) * p.period)
	now := p.clk.Now()
	if now.Before(due) {
		select {
		case <-p.clk.After(due.Sub(now)):
		case <-p.done:
			return time.Time{}, ErrClosed
		}
	} else if behind := int64(now.Sub(due) / p.period); behind > p.catchUp {
		p.next += behind - p.catchUp
		due = p.start.Add(time.Duration(p.next) * p.period)
	}
	p.next++
	return due, nil
}

func (p *pacer) close() { p.once.Do(func() { close(p.done) }) }

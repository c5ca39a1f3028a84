package capture

import (
	"sync"
	"time"

	"showcaster/internal/clock"
)

// pacer releases a built-in source's reads at fixed slots on the injected
// clock. Slots are absolute (start + n·period), so a reader that calls late
// is not pushed back, and one that falls more than a slot behind skips ahead
// instead of bursting, as a live device would.
type pacer struct {
	clk    clock.Clock
	start  time.Time
	period time.Duration
	next   int64
	done   chan struct{}
	once   sync.Once
}

func newPacer(clk clock.Clock, period time.Duration) *pacer {
	clk = clock.OrReal(clk)
	return &pacer{clk: clk, start: clk.Now(), period: period, done: make(chan struct{})}
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
	} else if late := now.Sub(due); late >= p.period {
		p.next += int64(late / p.period)
		due = p.start.Add(time.Duration(p.next) * p.period)
	}
	p.next++
	return due, nil
}

func (p *pacer) close() { p.once.Do(func() { close(p.done) }) }

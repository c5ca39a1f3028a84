package server

import (
	"fmt"
	"sync"
	"time"

	"showcaster/internal/clock"
)

// limitKind is one per-viewer budget.
type limitKind int

const (
	limitComment limitKind = iota
	limitLike
	limitOrder
)

// budgets: burst and refill period of one token, per kind.
var budgets = [...]struct {
	burst float64
	every time.Duration
	what  string
}{
	limitComment: {5, 2 * time.Second, "comments (5 per 10 s)"},
	limitLike:    {20, 50 * time.Millisecond, "likes (20 per second)"},
	limitOrder:   {5, 12 * time.Second, "orders (5 per minute)"},
}

// limiter holds token buckets per viewer and kind, on the injected clock.
type limiter struct {
	clk     clock.Clock
	mu      sync.Mutex
	buckets map[limitKey]*bucket
}

type limitKey struct {
	viewer string
	kind   limitKind
}

type bucket struct {
	tokens float64
	at     time.Time
}

// rateError is ErrRateLimited with the time until the next token.
type rateError struct {
	requestError
	retry time.Duration
}

func newLimiter(clk clock.Clock) *limiter {
	return &limiter{clk: clk, buckets: map[limitKey]*bucket{}}
}

// take spends one token of the viewer's budget or says when to retry.
func (l *limiter) take(viewer string, kind limitKind) error {
	b := budgets[kind]
	now := l.clk.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	k := limitKey{viewer, kind}
	bk := l.buckets[k]
	if bk == nil {
		bk = &bucket{tokens: b.burst, at: now}
		l.buckets[k] = bk
	}
	bk.tokens += float64(now.Sub(bk.at)) / float64(b.every)
	if bk.tokens > b.burst {
		bk.tokens = b.burst
	}
	bk.at = now
	if bk.tokens < 1 {
		retry := time.Duration((1 - bk.tokens) * float64(b.every))
		return &rateError{
			requestError: requestError{kind: ErrRateLimited, msg: fmt.Sprintf("too many %s: wait %.0f s and try again", b.what, retry.Seconds()+0.5)},
			retry:        retry,
		}
	}
	bk.tokens--
	return nil
}

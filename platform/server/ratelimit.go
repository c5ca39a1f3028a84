package server

import (
	"fmt"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"showcaster/internal/clock"
)

// Budget is one rate limit: Burst calls at once, then one every Every.
type Budget struct {
	Burst int
	Every time.Duration
	// What names the budget in the 429 message, e.g. "comments (5 per 10 s)".
	What string
}

// Limiter holds one token bucket per key (a viewer, a client address) for a
// budget, on the injected clock. Buckets that have refilled are forgotten
// by Sweep, so memory follows the active keys, not every key ever seen.
// Handlers in other files call Take with their own Budget.
type Limiter struct {
	clk     clock.Clock
	mu      sync.Mutex
	buckets map[limitKey]*rate.Limiter
}

type limitKey struct {
	key    string
	budget Budget
}

// rateError is ErrRateLimited with the time until the next token.
type rateError struct {
	requestError
	retry time.Duration
}

// NewLimiter makes an empty limiter on clk.
func NewLimiter(clk clock.Clock) *Limiter {
	return &Limiter{clk: clock.OrReal(clk), buckets: map[limitKey]*rate.Limiter{}}
}

// Take spends one call of key's budget or returns ErrRateLimited saying when to retry.
func (l *Limiter) Take(key string, b Budget) error {
	now := l.clk.Now()
	l.mu.Lock()
	k := limitKey{key, b}
	lim := l.buckets[k]
	if lim == nil {
		lim = rate.NewLimiter(rate.Every(b.Every), b.Burst)
		l.buckets[k] = lim
	}
	l.mu.Unlock()
	if lim.AllowN(now, 1) {
		return nil
	}
	r := lim.ReserveN(now, 1)
	retry := r.DelayFrom(now)
	r.CancelAt(now)
	return &rateError{
		requestError: requestError{kind: ErrRateLimited, msg: fmt.Sprintf("too many %s: wait %.0f s and try again", b.What, retry.Seconds()+0.5)},
		retry:        retry,
	}
}

// Sweep forgets the buckets that are full again (their keys have been idle
// long enough that a new bucket would be the same).
func (l *Limiter) Sweep() {
	now := l.clk.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	for k, lim := range l.buckets {
		if lim.TokensAt(now) >= float64(k.budget.Burst) {
			delete(l.buckets, k)
		}
	}
}

// Len is the number of buckets held (for tests and diagnostics).
func (l *Limiter) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.buckets)
}

// The per-viewer budgets of the viewer calls.
var (
	budgetComment = Budget{Burst: 5, Every: 2 * time.Second, What: "comments (5 per 10 s)"}
	budgetLike    = Budget{Burst: 20, Every: 50 * time.Millisecond, What: "likes (20 per second)"}
	budgetOrder   = Budget{Burst: 5, Every: 12 * time.Second, What: "orders (5 per minute)"}
)

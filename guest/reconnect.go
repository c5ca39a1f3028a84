package guest

import (
	"context"
	"time"

	"showcaster/internal/clock"
)

// reconnect runs session until ctx ends, trying again after each end: at
// once-ish (250 ms) after a session that ended cleanly, then doubling up to
// 4 s while sessions keep failing. A failure is handed to fail (for the
// log) unless ctx ended meanwhile.
func reconnect(ctx context.Context, clk clock.Clock, session func() error, fail func(error)) {
	backoff := 250 * time.Millisecond
	for ctx.Err() == nil {
		err := session()
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			fail(err)
		} else {
			backoff = 250 * time.Millisecond
		}
		select {
		case <-ctx.Done():
			return
		case <-clk.After(backoff):
		}
		backoff = min(backoff*2, 4*time.Second)
	}
}

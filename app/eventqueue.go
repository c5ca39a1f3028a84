package app

import (
	"reflect"
	"sync"
)

// eventQueue hands events to the UI without ever blocking the sender.
// Stats, counters and audio levels are coalesced (only the newest waits);
// everything else is kept in order, so a comment burst is never lost.
type eventQueue struct {
	mu      sync.Mutex
	pending []Event
	wake    chan struct{}
	out     chan Event
	done    chan struct{}
}

func newEventQueue() *eventQueue {
	q := &eventQueue{wake: make(chan struct{}, 1), out: make(chan Event, 64), done: make(chan struct{})}
	go q.run()
	return q
}

func coalesces(ev Event) bool {
	switch ev.(type) {
	case Stats, Counters, AudioLevel, ToolkitChanged:
		return true
	}
	return false
}

func (q *eventQueue) push(ev Event) {
	q.mu.Lock()
	if coalesces(ev) {
		for i, p := range q.pending {
			if reflect.TypeOf(p) == reflect.TypeOf(ev) {
				q.pending[i] = ev
				q.mu.Unlock()
				return
			}
		}
	}
	q.pending = append(q.pending, ev)
	q.mu.Unlock()
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

func (q *eventQueue) run() {
	for {
		q.mu.Lock()
		batch := q.pending
		q.pending = nil
		q.mu.Unlock()
		for _, ev := range batch {
			select {
			case q.out <- ev:
			case <-q.done:
				return
			}
		}
		select {
		case <-q.wake:
		case <-q.done:
			return
		}
	}
}

func (q *eventQueue) close() {
	select {
	case <-q.done:
	default:
		close(q.done)
	}
}

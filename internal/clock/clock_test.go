package clock

import (
	"testing"
	"time"
)

func TestFakeFiresInOrder(t *testing.T) {
	f := NewFake(time.Unix(0, 0))
	a := f.After(2 * time.Second)
	tk := f.NewTicker(time.Second)
	defer tk.Stop()
	f.Advance(1500 * time.Millisecond)
	select {
	case <-a:
		t.Fatal("2s timer fired after 1.5s")
	default:
	}
	if got := <-tk.C(); !got.Equal(time.Unix(1, 0)) {
		t.Fatalf("first tick at %v, want 1s", got)
	}
	f.Advance(time.Second)
	if got := <-a; !got.Equal(time.Unix(2, 0)) {
		t.Fatalf("timer fired at %v, want 2s", got)
	}
	if got := f.Now(); !got.Equal(time.Unix(2, 500_000_000)) {
		t.Fatalf("now = %v, want 2.5s", got)
	}
}

func TestFakeTimerAndAfterFunc(t *testing.T) {
	f := NewFake(time.Unix(0, 0))
	tm := f.NewTimer(time.Second)
	ran := make(chan time.Time, 1)
	af := f.AfterFunc(2*time.Second, func() { ran <- f.Now() })
	stopped := f.AfterFunc(time.Second, func() { t.Error("a stopped AfterFunc ran") })
	if !stopped.Stop() {
		t.Fatal("Stop of a pending AfterFunc reported it had fired")
	}
	f.Advance(time.Second)
	if got := <-tm.C(); !got.Equal(time.Unix(1, 0)) {
		t.Fatalf("timer fired at %v, want 1s", got)
	}
	if tm.Stop() {
		t.Fatal("Stop after firing reported it stopped the timer")
	}
	f.Advance(time.Second)
	if got := <-ran; !got.Equal(time.Unix(2, 0)) {
		t.Fatalf("AfterFunc ran at %v, want 2s", got)
	}
	if af.Stop() {
		t.Fatal("Stop after AfterFunc ran reported it stopped it")
	}
	if d := Since(f, time.Unix(1, 0)); d != time.Second {
		t.Fatalf("Since = %v, want 1s", d)
	}
}

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

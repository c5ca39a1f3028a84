package platform

import "testing"

func TestShowStateCan(t *testing.T) {
	for _, tc := range []struct {
		state      ShowState
		action     Action
		pictureOut bool
		want       bool
	}{
		{StatePendingAudit, ActionStartTrial, false, false},
		{StatePendingAudit, ActionGoLive, false, false},
		{StateApproved, ActionStartTrial, false, true},
		{StateApproved, ActionGoLive, false, true},
		{StateApproved, ActionEnd, false, true},
		{StateTrial, ActionStartTrial, true, false},
		{StateTrial, ActionStartTrial, false, true}, // resume a stalled trial
		{StateTrial, ActionGoLive, true, true},      // trial → formal
		{StateLive, ActionGoLive, true, false},
		{StateLive, ActionGoLive, false, true}, // resume a stalled live show
		{StateLive, ActionStartTrial, false, false},
		{StateLive, ActionEnd, true, true},
		{StateEnded, ActionGoLive, false, false},
		{StateEnded, ActionEnd, false, false},
		{StateRejected, ActionStartTrial, false, false},
		{StateApproved, ActionUnknown, false, false},
	} {
		if got := tc.state.Can(tc.action, tc.pictureOut); got != tc.want {
			t.Errorf("%s.Can(%s, pictureOut=%v) = %v, want %v", tc.state, tc.action, tc.pictureOut, got, tc.want)
		}
	}
	for s, want := range map[ShowState]bool{StateTrial: true, StateLive: true, StateApproved: false, StateEnded: false} {
		if s.OnAir() != want {
			t.Errorf("%s.OnAir() = %v", s, !want)
		}
	}
	for s, want := range map[ShowState]bool{StateEnded: true, StateRejected: true, StateApproved: false, StateLive: false} {
		if s.Done() != want {
			t.Errorf("%s.Done() = %v", s, !want)
		}
	}
}

func TestActionString(t *testing.T) {
	for a, want := range map[Action]string{ActionUnknown: "unknown", ActionStartTrial: "start-trial", ActionGoLive: "go-live", ActionEnd: "end"} {
		if a.String() != want {
			t.Errorf("%d.String() = %q, want %q", a, a.String(), want)
		}
	}
}

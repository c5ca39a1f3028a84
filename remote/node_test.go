package remote

import (
	"testing"

	"showcaster/internal/obsjs"
)

func TestObsWebSocketJS(t *testing.T) {
	srv, st := startFake(t, "pa55-word")
	steps := obsjs.Run(t, "ws://"+srv.Addr().String(), "pa55-word")
	check := func(step, key string, want any) { t.Helper(); obsjs.Check(t, steps, step, key, want) }
	check("badAuth", "code", 4009)
	check("identified", "rpcVersion", 1)
	check("version", "hasScene", true)
	check("scenes", "current", "全屏 Full")
	check("scenes", "names", []string{"并排 Side", "画中画 PiP", "全屏 Full"}) // OBS's order: last first
	check("sceneSwitched", "event", steps["sceneSwitched"]["target"])
	check("sceneSwitched", "current", steps["sceneSwitched"]["target"])
	check("streamStatus", "active", true)
	check("recordStatus", "active", false)
	check("record", "activeWhileOn", true)
	check("record", "path", "/tmp/show-1.mkv")
	check("unknown", "code", 204)
	check("stopStream", "ok", true)
	check("done", "step", "done")
	select {
	case <-st.stopped:
	default:
		t.Error("StopStream did not reach the studio")
	}
}

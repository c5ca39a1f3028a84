package remote

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
)

type handler func(ss *session, ctx context.Context, data map[string]any) (map[string]any, error)

// handlers are the obs-websocket requests remote control answers; any other
// is answered with code 204 (UnknownRequestType), the socket stays open.
func handlers() map[string]handler {
	return map[string]handler{
		"GetVersion":             (*session).getVersion,
		"GetStats":               (*session).getStats,
		"GetStreamStatus":        (*session).getStreamStatus,
		"StartStream":            (*session).startStream,
		"StopStream":             (*session).stopStream,
		"ToggleStream":           (*session).toggleStream,
		"GetRecordStatus":        (*session).getRecordStatus,
		"StartRecord":            (*session).startRecord,
		"StopRecord":             (*session).stopRecord,
		"ToggleRecord":           (*session).toggleRecord,
		"GetSceneList":           (*session).getSceneList,
		"GetCurrentProgramScene": (*session).getCurrentProgramScene,
		"SetCurrentProgramScene": (*session).setCurrentProgramScene,
		"GetInputList":           (*session).getInputList,
		"GetInputMute":           (*session).getInputMute,
		"SetInputMute":           (*session).setInputMute,
		"ToggleInputMute":        (*session).toggleInputMute,
		"CallVendorRequest":      (*session).callVendorRequest,
		"GetStudioModeEnabled":   (*session).getStudioModeEnabled,
		"GetVideoSettings":       (*session).getVideoSettings,
		"Sleep":                  (*session).sleep,
	}
}

func (ss *session) request(ctx context.Context, d map[string]any) map[string]any {
	typ, _ := d["requestType"].(string)
	resp := map[string]any{"requestType": typ}
	if id, ok := d["requestId"]; ok {
		resp["requestId"] = id
	}
	data, _ := d["requestData"].(map[string]any)
	code, comment, out := ss.call(ctx, typ, data)
	status := map[string]any{"result": code == statusSuccess, "code": code}
	if comment != "" {
		status["comment"] = comment
	}
	resp["requestStatus"] = status
	if out != nil {
		resp["responseData"] = out
	}
	return resp
}

func (ss *session) call(ctx context.Context, typ string, data map[string]any) (int, string, map[string]any) {
	if typ == "" {
		return statusMissingRequestType, "The request lacks requestType.", nil
	}
	h, ok := ss.s.handlers[typ]
	if !ok {
		return statusUnknownRequestType, fmt.Sprintf("Showcaster does not know the request %q.", typ), nil
	}
	if data == nil {
		data = map[string]any{}
	}
	out, err := h(ss, ctx, data)
	if err != nil {
		return statusOf(err), err.Error(), nil
	}
	return statusSuccess, "", out
}

func statusOf(err error) int {
	switch {
	case errors.Is(err, ErrOutputRunning):
		return statusOutputRunning
	case errors.Is(err, ErrOutputNotRunning):
		return statusOutputNotRunning
	case errors.Is(err, ErrNotFound):
		return statusResourceNotFound
	case errors.Is(err, ErrMissingField):
		return statusMissingRequestField
	case errors.Is(err, ErrInvalidField):
		return statusInvalidRequestField
	case errors.Is(err, ErrUnknownRequest):
		return statusUnknownRequestType
	case errors.Is(err, ErrNotReady):
		return statusNotReady
	}
	return statusRequestFailed
}

// batch runs a RequestBatch serially (executionType 0, the only kind OBS
// offers outside its graphics thread).
func (ss *session) batch(ctx context.Context, d map[string]any) map[string]any {
	resp := map[string]any{"requestId": d["requestId"]}
	halt, _ := d["haltOnFailure"].(bool)
	reqs, _ := d["requests"].([]any)
	results := []any{}
	for _, r := range reqs {
		rd, ok := r.(map[string]any)
		if !ok {
			continue
		}
		res := ss.request(ctx, rd)
		results = append(results, res)
		if st := res["requestStatus"].(map[string]any); halt && st["result"] != true {
			break
		}
	}
	resp["results"] = results
	return resp
}

func field[T any](data map[string]any, name string) (T, error) {
	var zero T
	v, ok := data[name]
	if !ok || v == nil {
		return zero, fmt.Errorf("%w: %s", ErrMissingField, name)
	}
	t, ok := v.(T)
	if !ok {
		return zero, fmt.Errorf("%w: %s has the wrong type", ErrInvalidField, name)
	}
	return t, nil
}

// nameUUID gives a scene or input a stable UUID derived from its name, so
// that clients addressing by UUID keep working across restarts.
func nameUUID(kind, name string) string {
	return uuid.NewSHA1(uuid.NameSpaceOID, []byte("showcaster/"+kind+"/"+name)).String()
}

func (ss *session) getVersion(context.Context, map[string]any) (map[string]any, error) {
	names := make([]string, 0, len(ss.s.handlers))
	for n := range ss.s.handlers {
		names = append(names, n)
	}
	slices.Sort(names)
	return map[string]any{
		"obsVersion":            obsVersion,
		"obsWebSocketVersion":   obsWebSocketVersion,
		"rpcVersion":            rpcVersion,
		"availableRequests":     names,
		"supportedImageFormats": []string{},
		"platform":              runtime.GOOS,
		"platformDescription":   strings.TrimSpace("Showcaster " + ss.s.cfg.Version),
	}, nil
}

func (ss *session) getStats(context.Context, map[string]any) (map[string]any, error) {
	st := ss.s.cfg.Studio.Stats()
	in, out := ss.counts()
	return map[string]any{
		"cpuUsage":                         st.CPUUsage,
		"memoryUsage":                      st.MemoryMB,
		"availableDiskSpace":               0.0,
		"activeFps":                        st.ActiveFPS,
		"averageFrameRenderTime":           st.AverageFrameTimeMs,
		"renderSkippedFrames":              st.RenderSkipped,
		"renderTotalFrames":                st.RenderTotal,
		"outputSkippedFrames":              st.OutputSkipped,
		"outputTotalFrames":                st.OutputTotal,
		"webSocketSessionIncomingMessages": in,
		"webSocketSessionOutgoingMessages": out,
	}, nil
}

// timecode writes a duration as OBS does: HH:MM:SS.mmm.
func timecode(d time.Duration) string {
	ms := d.Milliseconds()
	return fmt.Sprintf("%02d:%02d:%02d.%03d", ms/3600000, ms/60000%60, ms/1000%60, ms%1000)
}

func (ss *session) getStreamStatus(context.Context, map[string]any) (map[string]any, error) {
	st := ss.s.cfg.Studio.StreamStatus()
	return map[string]any{
		"outputActive":        st.Active,
		"outputReconnecting":  st.Reconnecting,
		"outputTimecode":      timecode(st.Duration),
		"outputDuration":      st.Duration.Milliseconds(),
		"outputCongestion":    st.Congestion,
		"outputBytes":         st.Bytes,
		"outputSkippedFrames": st.SkippedFrames,
		"outputTotalFrames":   st.TotalFrames,
	}, nil
}

func (ss *session) startStream(ctx context.Context, _ map[string]any) (map[string]any, error) {
	return nil, ss.s.cfg.Studio.StartStream(ctx)
}

func (ss *session) stopStream(ctx context.Context, _ map[string]any) (map[string]any, error) {
	return nil, ss.s.cfg.Studio.StopStream(ctx)
}

func (ss *session) toggleStream(ctx context.Context, _ map[string]any) (map[string]any, error) {
	if ss.s.cfg.Studio.StreamStatus().Active {
		return map[string]any{"outputActive": false}, ss.s.cfg.Studio.StopStream(ctx)
	}
	return map[string]any{"outputActive": true}, ss.s.cfg.Studio.StartStream(ctx)
}

func (ss *session) getRecordStatus(context.Context, map[string]any) (map[string]any, error) {
	st := ss.s.cfg.Studio.RecordStatus()
	return map[string]any{
		"outputActive":   st.Active,
		"outputPaused":   false,
		"outputTimecode": timecode(st.Duration),
		"outputDuration": st.Duration.Milliseconds(),
		"outputBytes":    st.Bytes,
	}, nil
}

func (ss *session) startRecord(ctx context.Context, _ map[string]any) (map[string]any, error) {
	return nil, ss.s.cfg.Studio.StartRecord(ctx)
}

func (ss *session) stopRecord(ctx context.Context, _ map[string]any) (map[string]any, error) {
	path, err := ss.s.cfg.Studio.StopRecord(ctx)
	if err != nil {
		return nil, err
	}
	return map[string]any{"outputPath": path}, nil
}

func (ss *session) toggleRecord(ctx context.Context, _ map[string]any) (map[string]any, error) {
	if ss.s.cfg.Studio.RecordStatus().Active {
		_, err := ss.s.cfg.Studio.StopRecord(ctx)
		return map[string]any{"outputActive": false}, err
	}
	return map[string]any{"outputActive": true}, ss.s.cfg.Studio.StartRecord(ctx)
}

func (ss *session) getSceneList(context.Context, map[string]any) (map[string]any, error) {
	names, current := ss.s.cfg.Studio.Scenes()
	scenes := sceneList(names)
	return map[string]any{
		"currentProgramSceneName": current,
		"currentProgramSceneUuid": nameUUID("scene", current),
		"currentPreviewSceneName": nil,
		"currentPreviewSceneUuid": nil,
		"scenes":                  scenes,
	}, nil
}

// sceneList lists scenes as OBS does, bottom to top: the first scene in its
// window has the highest index and comes last.
func sceneList(names []string) []any {
	scenes := make([]any, 0, len(names))
	for i := len(names) - 1; i >= 0; i-- {
		scenes = append(scenes, map[string]any{
			"sceneIndex": len(names) - 1 - i,
			"sceneName":  names[i],
			"sceneUuid":  nameUUID("scene", names[i]),
		})
	}
	return scenes
}

func (ss *session) getCurrentProgramScene(context.Context, map[string]any) (map[string]any, error) {
	_, current := ss.s.cfg.Studio.Scenes()
	id := nameUUID("scene", current)
	return map[string]any{
		"currentProgramSceneName": current, "currentProgramSceneUuid": id,
		"sceneName": current, "sceneUuid": id,
	}, nil
}

// sceneByField finds the scene a request names by sceneName or sceneUuid.
func (ss *session) sceneByField(data map[string]any) (string, error) {
	names, _ := ss.s.cfg.Studio.Scenes()
	if name, ok := data["sceneName"].(string); ok {
		if slices.Contains(names, name) {
			return name, nil
		}
		return "", fmt.Errorf("scene %q: %w", name, ErrNotFound)
	}
	if id, ok := data["sceneUuid"].(string); ok {
		for _, n := range names {
			if nameUUID("scene", n) == id {
				return n, nil
			}
		}
		return "", fmt.Errorf("scene %s: %w", id, ErrNotFound)
	}
	return "", fmt.Errorf("%w: sceneName or sceneUuid", ErrMissingField)
}

func (ss *session) setCurrentProgramScene(ctx context.Context, data map[string]any) (map[string]any, error) {
	name, err := ss.sceneByField(data)
	if err != nil {
		return nil, err
	}
	return nil, ss.s.cfg.Studio.SetScene(ctx, name)
}

func (ss *session) getInputList(_ context.Context, data map[string]any) (map[string]any, error) {
	kind, _ := data["inputKind"].(string)
	inputs := []any{}
	for _, in := range ss.s.cfg.Studio.Inputs() {
		if kind != "" && in.Kind != kind {
			continue
		}
		inputs = append(inputs, map[string]any{
			"inputName": in.Name, "inputUuid": nameUUID("input", in.Name),
			"inputKind": in.Kind, "unversionedInputKind": in.Kind,
		})
	}
	return map[string]any{"inputs": inputs}, nil
}

func (ss *session) inputByField(data map[string]any) (Input, error) {
	name, hasName := data["inputName"].(string)
	id, hasID := data["inputUuid"].(string)
	if !hasName && !hasID {
		return Input{}, fmt.Errorf("%w: inputName or inputUuid", ErrMissingField)
	}
	for _, in := range ss.s.cfg.Studio.Inputs() {
		if (hasName && in.Name == name) || (!hasName && nameUUID("input", in.Name) == id) {
			return in, nil
		}
	}
	return Input{}, fmt.Errorf("input %q: %w", name+id, ErrNotFound)
}

func (ss *session) getInputMute(_ context.Context, data map[string]any) (map[string]any, error) {
	in, err := ss.inputByField(data)
	if err != nil {
		return nil, err
	}
	if !in.Audio {
		return nil, fmt.Errorf("input %q has no sound: %w", in.Name, ErrInvalidField)
	}
	return map[string]any{"inputMuted": in.Muted}, nil
}

func (ss *session) setInputMute(_ context.Context, data map[string]any) (map[string]any, error) {
	in, err := ss.inputByField(data)
	if err != nil {
		return nil, err
	}
	muted, err := field[bool](data, "inputMuted")
	if err != nil {
		return nil, err
	}
	if !in.Audio {
		return nil, fmt.Errorf("input %q has no sound: %w", in.Name, ErrInvalidField)
	}
	return nil, ss.s.cfg.Studio.SetInputMuted(in.Name, muted)
}

func (ss *session) toggleInputMute(_ context.Context, data map[string]any) (map[string]any, error) {
	in, err := ss.inputByField(data)
	if err != nil {
		return nil, err
	}
	if !in.Audio {
		return nil, fmt.Errorf("input %q has no sound: %w", in.Name, ErrInvalidField)
	}
	if err := ss.s.cfg.Studio.SetInputMuted(in.Name, !in.Muted); err != nil {
		return nil, err
	}
	return map[string]any{"inputMuted": !in.Muted}, nil
}

func (ss *session) callVendorRequest(ctx context.Context, data map[string]any) (map[string]any, error) {
	vendor, err := field[string](data, "vendorName")
	if err != nil {
		return nil, err
	}
	typ, err := field[string](data, "requestType")
	if err != nil {
		return nil, err
	}
	if vendor != vendorName {
		return nil, fmt.Errorf("vendor %q (this studio is %q): %w", vendor, vendorName, ErrNotFound)
	}
	rd, _ := data["requestData"].(map[string]any)
	if rd == nil {
		rd = map[string]any{}
	}
	out, err := ss.s.cfg.Studio.Vendor(ctx, typ, rd)
	if err != nil {
		return nil, err
	}
	if out == nil {
		out = map[string]any{}
	}
	return map[string]any{"vendorName": vendor, "requestType": typ, "responseData": out}, nil
}

func (ss *session) getStudioModeEnabled(context.Context, map[string]any) (map[string]any, error) {
	return map[string]any{"studioModeEnabled": false}, nil
}

func (ss *session) getVideoSettings(context.Context, map[string]any) (map[string]any, error) {
	c := ss.s.cfg
	w, h, fps := c.Width, c.Height, c.FPS
	if w == 0 || h == 0 {
		w, h = 1280, 720
	}
	if fps == 0 {
		fps = 30
	}
	return map[string]any{
		"baseWidth": w, "baseHeight": h, "outputWidth": w, "outputHeight": h,
		"fpsNumerator": fps, "fpsDenominator": 1,
	}, nil
}

// sleep exists for batches in OBS; outside one it does nothing.
func (ss *session) sleep(context.Context, map[string]any) (map[string]any, error) {
	return nil, nil
}

// encodeEvent names an event, its subscription category and its data.
func encodeEvent(ev Event) (string, int, map[string]any) {
	switch e := ev.(type) {
	case StreamStateChanged:
		return "StreamStateChanged", subOutputs, map[string]any{"outputActive": e.Active, "outputState": e.State.String()}
	case RecordStateChanged:
		d := map[string]any{"outputActive": e.Active, "outputState": e.State.String(), "outputPath": nil}
		if e.Path != "" {
			d["outputPath"] = e.Path
		}
		return "RecordStateChanged", subOutputs, d
	case CurrentProgramSceneChanged:
		return "CurrentProgramSceneChanged", subScenes, map[string]any{"sceneName": e.Name, "sceneUuid": nameUUID("scene", e.Name)}
	case SceneListChanged:
		return "SceneListChanged", subScenes, map[string]any{"scenes": sceneList(e.Names)}
	case InputMuteStateChanged:
		return "InputMuteStateChanged", subInputs, map[string]any{"inputName": e.Name, "inputUuid": nameUUID("input", e.Name), "inputMuted": e.Muted}
	case ExitStarted:
		return "ExitStarted", subGeneral, nil
	}
	return "", 0, nil
}

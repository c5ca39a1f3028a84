package e2e

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
)

// whipClientPage is a WHIP publisher and WHEP player written the way other
// projects write them (fetch + RTCPeerConnection, the offer sent at once and
// the candidates trickled with PATCH), served from another origin than the
// platform's. The picture is a canvas with a moving bar; the sound an oscillator.
const whipClientPage = `<!doctype html>
<html><head><meta charset="utf-8"><title>WHIP client</title></head>
<body><canvas id="c" width="640" height="360"></canvas><video id="v" muted autoplay playsinline></video>
<script>
"use strict";
const st = {pub: "idle", play: "idle", patches: 0, patchStatus: [], frames: 0, errors: [], options: null};
window.__client = st;
function fragment(pc, cands) {
  const d = pc.localDescription.sdp;
  const ufrag = /a=ice-ufrag:(.*)/.exec(d)[1].trim(), pwd = /a=ice-pwd:(.*)/.exec(d)[1].trim();
  let f = "a=ice-ufrag:" + ufrag + "\r\na=ice-pwd:" + pwd + "\r\n";
  const byMid = new Map();
  for (const c of cands) { if (!byMid.has(c.mid)) byMid.set(c.mid, []); byMid.get(c.mid).push(c); }
  for (const [mid, cs] of byMid) {
    f += "m=audio 9 UDP/TLS/RTP/SAVPF 0\r\na=mid:" + mid + "\r\n";
    for (const c of cs) f += c.line ? "a=" + c.line + "\r\n" : "a=end-of-candidates\r\n";
  }
  return f;
}
// session: POST the offer before gathering ends, then PATCH every candidate.
async function session(pc, endpoint, token, which) {
  const creds = which === "whep" ? "include" : "same-origin";
  const pending = [];
  let resource = null, etag = null;
  async function flush() {
    if (!resource || pending.length === 0) return;
    const cands = pending.splice(0);
    const h = {"Content-Type": "application/trickle-ice-sdpfrag"};
    if (etag) h["If-Match"] = etag;
    if (token) h["Authorization"] = "Bearer " + token;
    const r = await fetch(resource, {method: "PATCH", headers: h, body: fragment(pc, cands), credentials: creds});
    st.patches++; st.patchStatus.push(r.status);
  }
  pc.onicecandidate = (e) => {
    const mid = e.candidate ? e.candidate.sdpMid : (pc.getTransceivers()[0].mid || "0");
    pending.push({mid, line: e.candidate && e.candidate.candidate ? e.candidate.candidate : null});
    flush().catch(err => st.errors.push(which + " patch: " + err));
  };
  const offer = await pc.createOffer();
  await pc.setLocalDescription(offer);
  const h = {"Content-Type": "application/sdp"};
  if (token) h["Authorization"] = "Bearer " + token;
  // Playback needs the viewer cookie, which the browser sends to another port of the same host.
  const r = await fetch(endpoint, {method: "POST", headers: h, body: pc.localDescription.sdp, credentials: creds});
  if (r.status !== 201) throw new Error(which + " POST " + r.status + " " + await r.text());
  resource = new URL(r.headers.get("Location"), endpoint).toString();
  etag = r.headers.get("ETag");
  await pc.setRemoteDescription({type: "answer", sdp: await r.text()});
  await flush();
  return resource;
}
async function publish(endpoint, token) {
  st.pub = "starting";
  const c = document.getElementById("c"), g = c.getContext("2d");
  let x = 0;
  setInterval(() => { g.fillStyle = "#20c040"; g.fillRect(0, 0, 640, 360); g.fillStyle = "#fff"; g.fillRect(x, 0, 40, 360); x = (x + 8) % 640; }, 33);
  const stream = c.captureStream(30);
  const ac = new AudioContext(), osc = ac.createOscillator(), dst = ac.createMediaStreamDestination();
  osc.connect(dst); osc.start();
  const pc = new RTCPeerConnection();
  pc.addTransceiver(stream.getVideoTracks()[0], {direction: "sendonly"});
  pc.addTransceiver(dst.stream.getAudioTracks()[0], {direction: "sendonly"});
  pc.onconnectionstatechange = () => { st.pub = pc.connectionState; };
  await session(pc, endpoint, token, "whip");
}
async function play(endpoint) {
  st.play = "starting";
  const pc = new RTCPeerConnection();
  pc.addTransceiver("video", {direction: "recvonly"});
  pc.addTransceiver("audio", {direction: "recvonly"});
  const v = document.getElementById("v");
  pc.ontrack = (e) => { if (e.track.kind === "video") { v.srcObject = new MediaStream([e.track]); } };
  const count = () => { st.frames++; v.requestVideoFrameCallback(count); };
  v.requestVideoFrameCallback(count);
  pc.onconnectionstatechange = () => { st.play = pc.connectionState; };
  await session(pc, endpoint, "", "whep");
}
async function options(endpoint) {
  const r = await fetch(endpoint, {method: "OPTIONS"});
  st.options = {status: r.status, acceptPost: r.headers.get("Accept-Post"), allow: r.headers.get("Allow")};
}
window.startPublish = (e, t) => { publish(e, t).catch(err => { st.errors.push(String(err)); st.pub = "error"; }); };
window.startPlay = (e) => { play(e).catch(err => { st.errors.push(String(err)); st.play = "error"; }); };
window.askOptions = (e) => { options(e).catch(err => st.errors.push("options: " + err)); };
</script></body></html>`

// TestWHIPClientFromAnotherOrigin publishes from a browser page served on
// another loopback port (another origin) to the platform's WHIP endpoint with
// trickle ICE, and plays the show back over WHEP from the same page.
func TestWHIPClientFromAnotherOrigin(t *testing.T) {
	b := newBrowser(t)
	p := startPlatform(t)
	st := p.studio(t)
	show := st.createApprovedShow("浏览器推流 · browser WHIP")
	ingest := st.goLive(show.ID)

	page := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte(whipClientPage))
	}))
	t.Cleanup(page.Close)
	pu, _ := url.Parse(page.URL)
	lu, _ := url.Parse(p.url)
	if pu.Host == lu.Host {
		t.Fatalf("the page must come from another origin than the platform")
	}

	tb := b.newTab("whip-client")
	tb.navigate(p.url + "/watch/" + show.ID) // the viewer cookie, as a viewer who opened the show's page has
	tb.navigate(page.URL)
	const state = `JSON.stringify(__client)`
	mustEval[bool](tb, "askOptions("+jsString(ingest.WHIPURL)+"), true")
	tb.waitFor("the OPTIONS answer", `__client.options || __client.errors.length`, eventDeadline, state)
	opt := mustEval[map[string]any](tb, `__client.options`)
	if opt["status"] != float64(204) || opt["acceptPost"] != "application/sdp" {
		t.Fatalf("OPTIONS from another origin: %v", opt)
	}

	mustEval[bool](tb, "startPublish("+jsString(ingest.WHIPURL)+", "+jsString(ingest.Token)+"), true")
	tb.waitFor("the publisher connected", `__client.pub === "connected" || __client.errors.length`, playDeadline, state)
	if errs := mustEval[[]string](tb, `__client.errors`); len(errs) > 0 {
		t.Fatalf("publisher page: %v", errs)
	}
	mustEval[bool](tb, "startPlay("+jsString(p.url+"/whep/"+show.ID)+"), true")
	tb.waitFor("the player showing frames", `__client.frames >= 30 || __client.errors.length`, playDeadline, state)
	if errs := mustEval[[]string](tb, `__client.errors`); len(errs) > 0 {
		t.Fatalf("page: %v", errs)
	}
	tb.waitFor("trickled candidates accepted", `__client.patches >= 2 && __client.patchStatus.every(s => s === 204)`, eventDeadline, state)
}

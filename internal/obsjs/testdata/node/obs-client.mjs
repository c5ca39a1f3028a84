// Drives a Showcaster remote control the way OBS tools do, with
// obs-websocket-js (msgpack, its default in Node). Prints one JSON line per
// step; the Go test reads them. Usage: node obs-client.mjs URL PASSWORD
import OBSWebSocket from 'obs-websocket-js';

const [url, password] = process.argv.slice(2);
const t0 = Date.now();
const out = (step, data) => console.log(JSON.stringify({ step, ms: Date.now() - t0, ...data }));
const withTimeout = (p, ms, what) =>
  Promise.race([p, new Promise((_, rej) => setTimeout(() => rej(new Error(`timed out waiting for ${what}`)), ms))]);

async function main() {
  // A wrong password is refused with close code 4009.
  const bad = new OBSWebSocket();
  try {
    await bad.connect(url, password + 'x');
    out('badAuth', { code: 0 });
  } catch (e) {
    out('badAuth', { code: e.code });
  }

  const obs = new OBSWebSocket();
  const events = [];
  for (const t of ['CurrentProgramSceneChanged', 'StreamStateChanged', 'RecordStateChanged', 'InputMuteStateChanged']) {
    obs.on(t, (d) => events.push({ type: t, data: d }));
  }
  const closed = new Promise((res) => obs.on('ConnectionClosed', (e) => res(e.code)));
  const hello = await obs.connect(url, password);
  out('identified', { rpcVersion: hello.negotiatedRpcVersion });

  const ver = await obs.call('GetVersion');
  out('version', { rpcVersion: ver.rpcVersion, requests: ver.availableRequests.length, hasScene: ver.availableRequests.includes('SetCurrentProgramScene') });

  const list = await obs.call('GetSceneList');
  const names = list.scenes.map((s) => s.sceneName);
  out('scenes', { names, current: list.currentProgramSceneName });

  const target = names.find((n) => n !== list.currentProgramSceneName);
  const changed = new Promise((res) => obs.once('CurrentProgramSceneChanged', res));
  await obs.call('SetCurrentProgramScene', { sceneName: target });
  const ev = await withTimeout(changed, 30000, 'CurrentProgramSceneChanged');
  const cur = await obs.call('GetCurrentProgramScene');
  out('sceneSwitched', { target, event: ev.sceneName, current: cur.currentProgramSceneName });

  const stream = await obs.call('GetStreamStatus');
  out('streamStatus', { active: stream.outputActive, timecode: stream.outputTimecode });
  let rec = await obs.call('GetRecordStatus');
  out('recordStatus', { active: rec.outputActive });
  const recStarted = new Promise((res) => obs.once('RecordStateChanged', res));
  await obs.call('StartRecord');
  await withTimeout(recStarted, 30000, 'RecordStateChanged');
  rec = await obs.call('GetRecordStatus');
  const stopped = await obs.call('StopRecord');
  out('record', { activeWhileOn: rec.outputActive, path: stopped.outputPath });

  const inputs = await obs.call('GetInputList');
  out('inputs', { names: inputs.inputs.map((i) => i.inputName) });

  try {
    await obs.call('GetHotkeyListNotThere');
    out('unknown', { code: 100 });
  } catch (e) {
    out('unknown', { code: e.code });
  }
  const stats = await obs.call('GetStats');
  out('stats', { fps: stats.activeFps });

  const streamStopped = new Promise((res) => obs.once('StreamStateChanged', res));
  await obs.call('StopStream');
  out('stopStream', { ok: true });
  const sev = await withTimeout(Promise.race([streamStopped, closed.then(() => null)]), 30000, 'the stream to stop');
  out('streamStopped', { event: sev ? sev.outputActive : null });
  await obs.disconnect();
  out('done', {});
  // Pending timeouts would keep Node running for their full length.
  process.exit(0);
}

main().catch((e) => {
  out('error', { message: String(e && e.message), code: e && e.code });
  process.exit(1);
});

// Drives Pipecat's official JS client against `voxpipe run` and reports what worked.
//
// ?runner=http://127.0.0.1:PORT&transport=webrtc|websocket
// The result lands in window.__voxpipeCheck = {done, ok, checks: {...}, log: [...]}.
import { PipecatClient } from "@pipecat-ai/client-js";
import { SmallWebRTCTransport, WavMediaManager } from "@pipecat-ai/small-webrtc-transport";
import {
  ProtobufFrameSerializer,
  WebSocketTransport,
  WavMediaManager as WsWavMediaManager,
} from "@pipecat-ai/websocket-transport";

const params = new URLSearchParams(location.search);
const runner = params.get("runner");
const kind = params.get("transport") || "webrtc";
const NONSILENT_RMS = 0.01; // about -40 dBFS

const state = { done: false, ok: false, checks: {}, log: [], botAudioRms: 0, serverMessages: [] };
window.__voxpipeCheck = state;
const log = (m) => {
  state.log.push(`${(performance.now() / 1000).toFixed(2)}s ${m}`);
  document.getElementById("out").textContent = state.log.join("\n");
};
const check = (name, ok, detail) => {
  state.checks[name] = { ok: !!ok, detail: detail === undefined ? null : detail };
  log(`${ok ? "PASS" : "FAIL"} ${name}${detail === undefined ? "" : " " + JSON.stringify(detail)}`);
};
const waitFor = async (predicate, ms, what) => {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    if (predicate()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  log(`timed out after ${ms} ms waiting for ${what}`);
  return false;
};
const rmsOf = (int16) => {
  let sum = 0;
  for (let i = 0; i < int16.length; i++) sum += (int16[i] / 32768) ** 2;
  return int16.length ? Math.sqrt(sum / int16.length) : 0;
};

// WebRTC: the bot's audio is a remote track; measure it with WebAudio.
let audioCtx = null;
function measureTrack(track) {
  const stream = new MediaStream([track]);
  document.getElementById("remote").srcObject = stream; // Chromium only feeds WebAudio from a played stream
  audioCtx = audioCtx || new AudioContext();
  audioCtx.resume();
  const analyser = audioCtx.createAnalyser();
  analyser.fftSize = 2048;
  audioCtx.createMediaStreamSource(stream).connect(analyser);
  const buf = new Float32Array(analyser.fftSize);
  const timer = setInterval(() => {
    if (state.done) return clearInterval(timer);
    analyser.getFloatTimeDomainData(buf);
    let sum = 0;
    for (const v of buf) sum += v * v;
    state.botAudioRms = Math.max(state.botAudioRms, Math.sqrt(sum / buf.length));
  }, 50);
}

// WebSocket: the bot's audio arrives as PCM for the media manager's player; measure it there.
class MeasuringWavMediaManager extends WsWavMediaManager {
  bufferBotAudio(data, id) {
    const pcm = data instanceof Int16Array ? data : new Int16Array(data);
    state.botAudioRms = Math.max(state.botAudioRms, rmsOf(pcm));
    return super.bufferBotAudio(data, id);
  }
}

async function main() {
  log(`checking ${kind} against ${runner}`);
  let transport;
  if (kind === "webrtc") {
    // Offline: no STUN servers, and the WAV media manager (the default one loads code from the network).
    transport = new SmallWebRTCTransport({ mediaManager: new WavMediaManager(), iceServers: [] });
  } else {
    transport = new WebSocketTransport({
      mediaManager: new MeasuringWavMediaManager(512, 16000),
      serializer: new ProtobufFrameSerializer(),
      recorderSampleRate: 16000,
      playerSampleRate: 24000,
    });
  }
  let botReady = null;
  let disconnected = false;
  const client = new PipecatClient({
    transport,
    enableMic: true,
    enableCam: false,
    callbacks: {
      onBotReady: (data) => { botReady = data; },
      onServerMessage: (data) => { state.serverMessages.push(data); log(`server-message ${JSON.stringify(data)}`); },
      onTrackStarted: (track, participant) => {
        log(`track started: ${track.kind} (${participant && participant.local ? "local" : "bot"})`);
        if (track.kind === "audio" && participant && !participant.local) measureTrack(track);
        if (track.kind === "audio" && !participant) measureTrack(track);
      },
      onDisconnected: () => { disconnected = true; log("disconnected"); },
      onError: (m) => log(`error ${JSON.stringify(m && m.data)}`),
      onMessageError: (m) => log(`message error ${JSON.stringify(m && m.data)}`),
      onTransportStateChanged: (s) => log(`transport state ${s}`),
    },
  });

  // connect through POST /start: WebRTC gets {sessionId} (offers go to /sessions/{id}/api/offer),
  // WebSocket gets {wsUrl}.
  const started = performance.now();
  await client.startBotAndConnect({
    endpoint: `${runner}/start`,
    requestData: { body: { from: "browser-check" }, enableDefaultIceServers: false },
  });
  check("connect", true, { ms: Math.round(performance.now() - started) });
  check("bot-ready", await waitFor(() => botReady, 10000, "bot-ready"), botReady && botReady.version);

  check(
    "server-message",
    await waitFor(() => state.serverMessages.some((m) => m && m.type === "welcome"), 5000, "welcome"),
  );

  const reply = await client.sendClientRequest("ping", { n: 42 }, 5000);
  check("client-request round trip", reply && reply.echo && reply.echo.n === 42, reply);
  client.sendClientMessage("note", { text: "fire and forget" });
  check("client-message sent", true);

  // The fake microphone plays the WAV: the bot echoes each utterance back.
  check(
    "audio in (bot heard us)",
    await waitFor(() => state.serverMessages.some((m) => m && m.type === "echo"), 15000, "an echo"),
  );
  const loud = await waitFor(() => state.botAudioRms >= NONSILENT_RMS, 15000, "non-silent bot audio");
  check("audio out (bot audio non-silent)", loud, { rms: Number(state.botAudioRms.toFixed(4)) });

  await client.disconnect();
  check("disconnect", await waitFor(() => disconnected, 5000, "onDisconnected"), client.state);
}

main()
  .catch((e) => { log(`exception: ${e && (e.stack || e.message || e)}`); state.checks.exception = { ok: false, detail: String(e) }; })
  .finally(() => {
    const names = Object.keys(state.checks);
    state.ok = names.length > 0 && names.every((n) => state.checks[n].ok);
    state.done = true;
    log(state.ok ? "ALL PASSED" : "SOME CHECKS FAILED");
  });

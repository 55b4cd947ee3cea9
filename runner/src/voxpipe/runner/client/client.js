// The voxpipe runner's talk-to-the-bot page: plain browser APIs, no build step.
//
// WebRTC: offer to POST /api/offer with a "chat" data channel (RTVI rides on it),
// trickle ICE candidates with PATCH /api/offer, keepalive "ping: <ms>" every second.
// WebSocket (-t websocket): Pipecat's protobuf frames on /ws (audio 16 kHz in, any rate out).
"use strict";

const $ = (id) => document.getElementById(id);
const TRANSPORT = $("transport").textContent.trim();
const RTVI_VERSION = "1.2.0";

let session = null; // {close(), send(msg), micStream}
let micStream = null;
let audioCtx = null;
const peaks = { mic: 0, bot: 0 }; // loudest RMS seen per meter (for checks and curious people)

function log(text, cls) {
  const line = document.createElement("div");
  if (cls) line.className = cls;
  line.textContent = `${new Date().toLocaleTimeString()}  ${text}`;
  $("log").appendChild(line);
  $("log").scrollTop = $("log").scrollHeight;
}

function setState(state) {
  $("state").textContent = state;
  const live = state === "ready" || state === "connected";
  $("connect").disabled = state !== "disconnected" && state !== "error";
  $("disconnect").disabled = state === "disconnected" || state === "error";
  $("mute").disabled = !live;
  $("text").disabled = !live;
  $("send").disabled = !live;
}

const rid = () => Math.random().toString(36).slice(2, 10);
const rtvi = (type, data) => ({ label: "rtvi-ai", type, id: rid(), data });

function onRtvi(msg) {
  if (!msg || msg.label !== "rtvi-ai") return;
  switch (msg.type) {
    case "bot-ready":
      setState("ready");
      log(`bot ready (RTVI ${msg.data && msg.data.version})`, "in");
      break;
    case "server-message":
      log(`server-message ${JSON.stringify(msg.data)}`, "in");
      break;
    case "server-response":
      log(`server-response ${JSON.stringify(msg.data)}`, "in");
      break;
    case "error":
    case "error-response":
      log(`${msg.type}: ${JSON.stringify(msg.data)}`, "err");
      break;
    case "user-transcription":
      if (msg.data && msg.data.final) log(`you: ${msg.data.text}`, "out");
      break;
    case "bot-output":
      if (msg.data && msg.data.spoken !== false) log(`bot: ${msg.data.text}`, "in");
      break;
    case "bot-audio-level":
    case "user-audio-level":
    case "metrics":
    case "bot-llm-text":
    case "bot-tts-text":
      break;
    default:
      log(msg.type + (msg.data ? " " + JSON.stringify(msg.data) : ""), "in");
  }
}

// -- level meters ---------------------------------------------------------------------------

function meter(stream, el) {
  const src = audioCtx.createMediaStreamSource(stream);
  const analyser = audioCtx.createAnalyser();
  analyser.fftSize = 1024;
  src.connect(analyser);
  const buf = new Float32Array(analyser.fftSize);
  const tick = () => {
    if (!session) { el.style.width = "0"; return; }
    analyser.getFloatTimeDomainData(buf);
    let sum = 0;
    for (const v of buf) sum += v * v;
    const rms = Math.sqrt(sum / buf.length);
    const key = el.id === "mic-level" ? "mic" : "bot";
    peaks[key] = Math.max(peaks[key], rms);
    el.style.width = `${Math.min(100, rms * 400)}%`;
    requestAnimationFrame(tick);
  };
  tick();
}

// -- WebRTC ------------------------------------------------------------------------------------

async function connectWebRTC() {
  const pc = new RTCPeerConnection();
  const dc = pc.createDataChannel("chat", { ordered: true });
  const pending = [];
  let pcId = null;
  let ping = null;
  let flushTimer = null;

  pc.addTransceiver(micStream.getAudioTracks()[0], { direction: "sendrecv" });
  pc.addTransceiver("video", { direction: "sendrecv" });

  pc.ontrack = (ev) => {
    if (ev.track.kind !== "audio") return;
    const stream = ev.streams[0] || new MediaStream([ev.track]);
    $("bot-audio").srcObject = stream;
    meter(stream, $("bot-level"));
    log("receiving the bot's audio");
  };
  pc.onconnectionstatechange = () => {
    log(`peer connection ${pc.connectionState}`);
    if (pc.connectionState === "connected" && $("state").textContent === "connecting") setState("connected");
    if (pc.connectionState === "failed") { log("connection failed", "err"); disconnect(); }
  };
  pc.onicecandidate = (ev) => {
    if (!ev.candidate) return;
    pending.push({ candidate: ev.candidate.candidate, sdp_mid: ev.candidate.sdpMid, sdp_mline_index: ev.candidate.sdpMLineIndex });
  };
  const flush = async () => {
    if (!pcId || !pending.length) return;
    const candidates = pending.splice(0, pending.length);
    try {
      await fetch("/api/offer", { method: "PATCH", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ pc_id: pcId, candidates }) });
    } catch (e) { log(`sending ICE candidates failed: ${e}`, "err"); }
  };

  dc.onopen = () => {
    ping = setInterval(() => dc.readyState === "open" && dc.send(`ping: ${Date.now()}`), 1000);
    const about = { library: "voxpipe-runner-page", library_version: "0.1.0", platform: navigator.platform || "browser" };
    dc.send(JSON.stringify(rtvi("client-ready", { version: RTVI_VERSION, about })));
  };
  dc.onmessage = async (ev) => {
    let msg;
    try { msg = JSON.parse(ev.data); } catch { return; }
    if (msg.type === "signalling") {
      const inner = msg.message || {};
      if (inner.type === "peerLeft") { log("the bot left"); disconnect(); }
      if (inner.type === "renegotiate") await negotiate(true);
      return;
    }
    onRtvi(msg);
  };

  async function negotiate(again) {
    await pc.setLocalDescription(await pc.createOffer());
    const body = { sdp: pc.localDescription.sdp, type: pc.localDescription.type, pc_id: pcId, restart_pc: false, request_data: {} };
    const res = await fetch("/api/offer", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
    if (!res.ok) throw new Error(`POST /api/offer: ${res.status} ${await res.text()}`);
    const answer = await res.json();
    pcId = answer.pc_id;
    await pc.setRemoteDescription({ type: answer.type, sdp: answer.sdp });
    if (!again) flushTimer = setInterval(flush, 200);
  }
  await negotiate(false);

  return {
    send: (msg) => dc.readyState === "open" && dc.send(JSON.stringify(msg)),
    close: () => {
      clearInterval(ping);
      clearInterval(flushTimer);
      try { dc.close(); } catch {}
      pc.close();
    },
  };
}

// -- WebSocket (protobuf frames, as Pipecat's ProtobufFrameSerializer) ------------------------

const pb = {
  varint(n) { const out = []; while (n > 127) { out.push((n & 127) | 128); n = Math.floor(n / 128); } out.push(n); return out; },
  field(num, wire, bytes) { return [...pb.varint(num * 8 + wire), ...(wire === 2 ? pb.varint(bytes.length) : []), ...bytes]; },
  audio(pcm, rate) {
    const inner = [...pb.field(3, 2, new Uint8Array(pcm.buffer)), ...pb.varint(4 * 8), ...pb.varint(rate), ...pb.varint(5 * 8), ...pb.varint(1)];
    return new Uint8Array(pb.field(2, 2, inner));
  },
  message(obj) { const data = new TextEncoder().encode(JSON.stringify(obj)); return new Uint8Array(pb.field(4, 2, pb.field(1, 2, data))); },
  read(buf) { // -> [{num, wire, value}]
    const fields = []; let i = 0;
    const rv = () => { let n = 0, m = 1, b; do { b = buf[i++]; n += (b & 127) * m; m *= 128; } while (b & 128); return n; };
    while (i < buf.length) {
      const key = rv(), num = Math.floor(key / 8), wire = key & 7;
      if (wire === 0) fields.push({ num, wire, value: rv() });
      else if (wire === 2) { const len = rv(); fields.push({ num, wire, value: buf.subarray(i, i + len) }); i += len; }
      else if (wire === 1) i += 8; else if (wire === 5) i += 4; else break;
    }
    return fields;
  },
};

async function connectWebSocket() {
  const url = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/ws`;
  const ws = new WebSocket(url);
  ws.binaryType = "arraybuffer";
  let playAt = 0;
  const dest = audioCtx.createMediaStreamDestination();
  meter(dest.stream, $("bot-level"));
  const gain = audioCtx.createGain();
  gain.connect(audioCtx.destination);
  gain.connect(dest);

  // Microphone: 16 kHz PCM16 through a ScriptProcessor (plain JS, no worklet file needed).
  const src = audioCtx.createMediaStreamSource(micStream);
  const proc = audioCtx.createScriptProcessor(2048, 1, 1);
  const ratio = audioCtx.sampleRate / 16000;
  proc.onaudioprocess = (ev) => {
    if (ws.readyState !== WebSocket.OPEN) return;
    const input = ev.inputBuffer.getChannelData(0);
    const out = new Int16Array(Math.floor(input.length / ratio));
    for (let i = 0; i < out.length; i++) out[i] = Math.max(-1, Math.min(1, input[Math.floor(i * ratio)])) * 32767;
    ws.send(pb.audio(out, 16000));
  };
  src.connect(proc);
  const sink = audioCtx.createGain();
  sink.gain.value = 0;
  proc.connect(sink);
  sink.connect(audioCtx.destination);

  ws.onmessage = (ev) => {
    const frame = pb.read(new Uint8Array(ev.data));
    for (const f of frame) {
      if (f.num === 2 && f.wire === 2) { // audio
        const a = pb.read(f.value);
        const bytes = (a.find((x) => x.num === 3) || {}).value;
        const rate = (a.find((x) => x.num === 4) || {}).value || 24000;
        if (!bytes || !bytes.length) continue;
        const pcm = new Int16Array(bytes.slice().buffer);
        const buffer = audioCtx.createBuffer(1, pcm.length, rate);
        const ch = buffer.getChannelData(0);
        for (let i = 0; i < pcm.length; i++) ch[i] = pcm[i] / 32768;
        const node = audioCtx.createBufferSource();
        node.buffer = buffer;
        node.connect(gain);
        playAt = Math.max(playAt, audioCtx.currentTime + 0.05);
        node.start(playAt);
        playAt += buffer.duration;
      } else if (f.num === 4 && f.wire === 2) { // message
        const m = pb.read(f.value).find((x) => x.num === 1);
        if (m) { try { onRtvi(JSON.parse(new TextDecoder().decode(m.value))); } catch {} }
      } else if (f.num === 5) { playAt = 0; } // interruption
    }
  };
  await new Promise((resolve, reject) => { ws.onopen = resolve; ws.onerror = () => reject(new Error("websocket failed")); });
  setState("connected");
  ws.onclose = () => { if (session) { log("the bot closed the connection"); disconnect(); } };
  ws.send(pb.message(rtvi("client-ready", { version: RTVI_VERSION, about: { library: "voxpipe-runner-page" } })));
  return {
    send: (msg) => ws.readyState === WebSocket.OPEN && ws.send(pb.message(msg)),
    close: () => { proc.disconnect(); src.disconnect(); ws.close(); },
  };
}

// -- buttons ------------------------------------------------------------------------------------

async function connect() {
  setState("connecting");
  try {
    micStream = await navigator.mediaDevices.getUserMedia({ audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true } });
    audioCtx = new AudioContext();
    await audioCtx.resume();
    session = {};
    meter(micStream, $("mic-level"));
    log(`connecting over ${TRANSPORT}…`);
    session = TRANSPORT === "websocket" ? await connectWebSocket() : await connectWebRTC();
  } catch (e) {
    log(`could not connect: ${e.message || e}`, "err");
    disconnect();
    setState("error");
  }
}

function disconnect() {
  const s = session;
  session = null;
  if (s && s.close) s.close();
  if (micStream) micStream.getTracks().forEach((t) => t.stop());
  micStream = null;
  if (audioCtx) audioCtx.close();
  audioCtx = null;
  $("bot-audio").srcObject = null;
  setState("disconnected");
}

$("connect").onclick = connect;
$("disconnect").onclick = () => { if (session && session.send) session.send(rtvi("disconnect-bot", {})); disconnect(); log("disconnected"); };
$("mute").onclick = () => {
  const track = micStream && micStream.getAudioTracks()[0];
  if (!track) return;
  track.enabled = !track.enabled;
  $("mute").textContent = track.enabled ? "Mute mic" : "Unmute mic";
};
$("send").onclick = () => {
  const text = $("text").value.trim();
  if (!text || !session || !session.send) return;
  const msg = rtvi("client-message", { t: "chat", d: { text } });
  session.send(msg);
  log(`client-message ${JSON.stringify(msg.data)}`, "out");
  $("text").value = "";
};
$("text").addEventListener("keydown", (e) => { if (e.key === "Enter") $("send").click(); });
setState("disconnected");
window.voxpipePage = { connect, disconnect, state: () => $("state").textContent, peaks, log: () => $("log").innerText };

// Browser softphone: microphone -> 20 ms L16 frames over the /softphone/media WebSocket; bot audio played back;
// live events (partial, transcript, bot, clear, transfer) shown as they come.
"use strict";

const $ = (id) => document.getElementById(id);
const t = (key) => document.body.dataset["t" + key.split("-").map((w) => w[0].toUpperCase() + w.slice(1)).join("")];
const params = new URLSearchParams(location.search);
if (params.get("lang")) $("lang").value = params.get("lang");
if (params.get("rate")) $("rate").value = params.get("rate");

let ws = null, ctx = null, stream = null, processor = null;
let playAt = 0, sources = [], pending = new Int16Array(0), sent = 0, received = 0;

function log(kind, text) {
  const p = document.createElement("p");
  p.className = kind;
  if (kind === "caller" || kind === "bot") {
    const who = document.createElement("b");
    who.textContent = t(kind) + ": ";
    p.appendChild(who);
  }
  p.appendChild(document.createTextNode(text));
  $("log").appendChild(p);
}

function status(text) { $("status").textContent = text; }

function sendFrames(samples) {
  // Accumulate the processor's blocks and send whole 20 ms frames (what the bot's VAD expects).
  const frame = ctx.sampleRate / 50;
  const joined = new Int16Array(pending.length + samples.length);
  joined.set(pending); joined.set(samples, pending.length);
  let offset = 0;
  for (; offset + frame <= joined.length; offset += frame) {
    ws.send(joined.slice(offset, offset + frame).buffer);
    sent += 1;
  }
  pending = joined.slice(offset);
  $("sent").textContent = sent;
}

function play(bytes) {
  const samples = new Int16Array(bytes);
  received += bytes.byteLength;
  $("received").textContent = received;
  const buffer = ctx.createBuffer(1, samples.length, ctx.sampleRate);
  const channel = buffer.getChannelData(0);
  for (let i = 0; i < samples.length; i++) channel[i] = samples[i] / 32768;
  const source = ctx.createBufferSource();
  source.buffer = buffer;
  source.connect(ctx.destination);
  playAt = Math.max(playAt, ctx.currentTime + 0.04);  // small cushion against network jitter
  source.start(playAt);
  playAt += buffer.duration;
  sources.push(source);
  source.onended = () => { sources = sources.filter((s) => s !== source); };
}

function clearPlayback() {
  for (const source of sources) { try { source.stop(); } catch (e) { /* already stopped */ } }
  sources = [];
  playAt = 0;
}

function onEvent(event) {
  if (event.type === "partial") $("partial").textContent = event.text || "";
  else if (event.type === "transcript") { $("partial").textContent = ""; log("caller", event.text); }
  else if (event.type === "bot") log("bot", event.text);
  else if (event.type === "clear") clearPlayback();
  else if (event.type === "transfer") log("system", t("transfer"));
}

async function callToken() {
  // A short-lived token for one call: from the agent console session, or (development servers) for the page.
  for (const url of ["/console/softphone-token", "/softphone/token"]) {
    const resp = await fetch(url, { method: "POST", credentials: "same-origin" });
    if (resp.ok) return (await resp.json()).token;
  }
  throw new Error(t("login"));
}

async function call() {
  $("call").disabled = true;
  status(t("token"));
  const token = await callToken();
  status(t("mic"));
  const rate = Number($("rate").value);
  ctx = new AudioContext({ sampleRate: rate });
  stream = await navigator.mediaDevices.getUserMedia({
    audio: { channelCount: 1, echoCancellation: true, noiseSuppression: true, autoGainControl: true },
  });
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  ws = new WebSocket(`${scheme}://${location.host}/softphone/media?token=${encodeURIComponent(token)}`);
  ws.binaryType = "arraybuffer";
  ws.onopen = () => {
    ws.send(JSON.stringify({
      sampleRate: ctx.sampleRate, callId: "softphone-" + Date.now(), from: "softphone", to: "12345",
      lang: $("lang").value, token,
    }));
    const source = ctx.createMediaStreamSource(stream);
    // ScriptProcessor rather than AudioWorklet: works on plain http:// pages and in every Chromium build.
    processor = ctx.createScriptProcessor(1024, 1, 1);
    processor.onaudioprocess = (e) => {
      if (!ws || ws.readyState !== WebSocket.OPEN) return;
      const input = e.inputBuffer.getChannelData(0);
      const samples = new Int16Array(input.length);
      for (let i = 0; i < input.length; i++) samples[i] = Math.max(-1, Math.min(1, input[i])) * 32767;
      sendFrames(samples);
    };
    source.connect(processor);
    processor.connect(ctx.destination);  // a processor only runs when connected; its output is silence
    status(t("connected"));
    $("hangup").disabled = false;
  };
  ws.onmessage = (e) => (typeof e.data === "string" ? onEvent(JSON.parse(e.data)) : play(e.data));
  ws.onclose = (e) => { status(`${t("ended")} (${e.code}${e.reason ? " " + e.reason : ""})`); stop(); };
  ws.onerror = () => status(t("conn-error"));
}

function stop() {
  if (processor) processor.disconnect();
  if (stream) stream.getTracks().forEach((t) => t.stop());
  $("call").disabled = false;
  $("hangup").disabled = true;
}

function hangup() {
  if (ws && ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ type: "hangup" }));
  if (ws) ws.close();
  stop();
}

for (const digit of "123456789*0#") {
  const button = document.createElement("button");
  button.textContent = digit;
  button.onclick = () => ws && ws.readyState === WebSocket.OPEN && ws.send(JSON.stringify({ type: "dtmf", digit }));
  $("keypad").appendChild(button);
}
$("call").onclick = () => call().catch((err) => { status(t("error") + ": " + (err && err.message ? err.message : err)); stop(); });
$("hangup").onclick = hangup;

/** Voice recording with MediaRecorder: live level meter, timer, playback, re-record. */
import { h } from "./dom";

export interface VoiceRecorder {
  el: HTMLElement;
  value(): Blob | null;
  stop(): void;
}

const MAX_SECONDS = 60;

function pickType(): string {
  for (const t of ["audio/webm;codecs=opus", "audio/webm", "audio/mp4"]) {
    if (MediaRecorder.isTypeSupported(t)) return t;
  }
  return "";
}

export function voiceRecorder(onChange: () => void): VoiceRecorder {
  let recording: Blob | null = null;
  let recorder: MediaRecorder | null = null;
  let stream: MediaStream | null = null;
  let audioCtx: AudioContext | null = null;
  let raf = 0;
  let timer = 0;

  const record = h("button", { type: "button", class: "primary" }, "Record my voice");
  const stopBtn = h("button", { type: "button", class: "secondary", hidden: true }, "Stop");
  const meter = h("meter", { min: 0, max: 1, value: 0, id: "voice-level", "aria-label": "Microphone level" });
  const clock = h("span", { class: "clock", role: "timer", "aria-label": "Recording time" }, "0:00");
  const playback = h("audio", { controls: true, hidden: true, "aria-label": "Your recording" });
  const status = h("p", { class: "muted", "aria-live": "polite" }, "Read a sentence or two aloud, for 5 to 60 seconds.");

  const release = () => {
    cancelAnimationFrame(raf);
    clearInterval(timer);
    stream?.getTracks().forEach((t) => t.stop());
    stream = null;
    void audioCtx?.close();
    audioCtx = null;
    meter.value = 0;
  };

  record.addEventListener("click", async () => {
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    } catch (err) {
      status.textContent = `The microphone is not available (${(err as Error).message}).`;
      return;
    }
    recording = null;
    playback.hidden = true;
    onChange();
    audioCtx = new AudioContext();
    const analyser = audioCtx.createAnalyser();
    analyser.fftSize = 1024;
    audioCtx.createMediaStreamSource(stream).connect(analyser);
    const samples = new Float32Array(analyser.fftSize);
    const draw = () => {
      analyser.getFloatTimeDomainData(samples);
      let sum = 0;
      for (const s of samples) sum += s * s;
      meter.value = Math.min(1, Math.sqrt(sum / samples.length) * 3);
      raf = requestAnimationFrame(draw);
    };
    draw();

    const chunks: Blob[] = [];
    const mimeType = pickType();
    recorder = new MediaRecorder(stream, mimeType ? { mimeType } : {});
    recorder.ondataavailable = (e) => e.data.size && chunks.push(e.data);
    recorder.onstop = () => {
      release();
      recording = new Blob(chunks, { type: (recorder?.mimeType || "audio/webm").split(";")[0] });
      playback.src = URL.createObjectURL(recording);
      playback.hidden = false;
      record.textContent = "Record again";
      record.hidden = false;
      stopBtn.hidden = true;
      status.textContent = `Recorded ${clock.textContent}. Listen to it, or record again.`;
      record.focus();
      onChange();
    };
    const started = Date.now();
    clock.textContent = "0:00";
    timer = window.setInterval(() => {
      const s = Math.floor((Date.now() - started) / 1000);
      clock.textContent = `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
      if (s >= MAX_SECONDS) recorder?.stop();
    }, 250);
    recorder.start(250);
    record.hidden = true;
    stopBtn.hidden = false;
    stopBtn.focus();
    status.textContent = "Recording… press Stop when you are done.";
  });
  stopBtn.addEventListener("click", () => recorder?.stop());

  const el = h(
    "div",
    { class: "capture" },
    h("div", { class: "row" }, record, stopBtn, clock),
    h("label", { for: "voice-level" }, "Level"),
    meter,
    playback,
    status,
  );
  return {
    el,
    value: () => recording,
    stop: () => {
      if (recorder?.state === "recording") recorder.stop();
      release();
    },
  };
}

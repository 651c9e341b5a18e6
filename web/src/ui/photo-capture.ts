/** A photo from the camera (getUserMedia → canvas → JPEG) or from a file. */
import { h } from "./dom";

export interface PhotoCapture {
  el: HTMLElement;
  /** The chosen photo, or null. */
  value(): Blob | null;
  stop(): void;
}

export function photoCapture(label: string, onChange: () => void): PhotoCapture {
  let photo: Blob | null = null;
  let stream: MediaStream | null = null;
  const video = h("video", { playsinline: true, muted: true, class: "preview", hidden: true, "aria-label": "Camera preview" });
  const img = h("img", { class: "preview", alt: "", hidden: true });
  const startCam = h("button", { type: "button", class: "secondary" }, "Use the camera");
  const shoot = h("button", { type: "button", class: "primary", hidden: true }, "Take the photo");
  const fileInput = h("input", { type: "file", id: `${label}-file`, accept: "image/jpeg,image/png", class: "sr-only" });
  const fileLabel = h("label", { for: `${label}-file`, class: "button secondary" }, "Choose a file");
  const status = h("p", { class: "muted", "aria-live": "polite" }, "No photo yet.");

  const set = (blob: Blob, how: string) => {
    photo = blob;
    img.src = URL.createObjectURL(blob);
    img.alt = `Your photo (${how})`;
    img.hidden = false;
    status.textContent = `Photo ready (${how}, ${Math.round(blob.size / 1024)} kB).`;
    onChange();
  };
  const stopCam = () => {
    stream?.getTracks().forEach((t) => t.stop());
    stream = null;
    video.hidden = true;
    shoot.hidden = true;
  };

  startCam.addEventListener("click", async () => {
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 640 } });
      video.srcObject = stream;
      video.hidden = false;
      img.hidden = true;
      await video.play();
      // Only once frames arrive: a photo taken before would be empty.
      shoot.hidden = false;
      shoot.focus();
    } catch (err) {
      status.textContent = `The camera is not available (${(err as Error).message}). Choose a file instead.`;
    }
  });
  shoot.addEventListener("click", async () => {
    // The first frame may still be on its way: wait for it rather than take an empty photo.
    for (let i = 0; i < 50 && (!video.videoWidth || video.readyState < 2); i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
    if (!video.videoWidth) {
      status.textContent = "The camera shows no picture yet. Try again, or choose a file.";
      return;
    }
    const canvas = document.createElement("canvas");
    canvas.width = video.videoWidth;
    canvas.height = video.videoHeight;
    canvas.getContext("2d")?.drawImage(video, 0, 0);
    canvas.toBlob(
      (blob) => {
        stopCam();
        if (blob) set(blob, "camera");
        else status.textContent = "The photo could not be taken. Try again, or choose a file.";
      },
      "image/jpeg",
      0.9,
    );
  });
  fileInput.addEventListener("change", () => {
    const f = fileInput.files?.[0];
    if (!f) return;
    if (!/^image\/(jpeg|png)$/.test(f.type)) {
      status.textContent = "Choose a JPEG or PNG picture.";
      return;
    }
    stopCam();
    set(f, "file");
  });

  const el = h(
    "div",
    { class: "capture" },
    h("div", { class: "frame" }, video, img),
    h("div", { class: "row" }, startCam, shoot, fileInput, fileLabel),
    status,
  );
  return { el, value: () => photo, stop: stopCam };
}

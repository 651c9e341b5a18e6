/**
 * Talking video, two ways: the user's photo (camera or file) + recorded voice →
 * uploads (progress) → project → generate; or a public presenter + a HeyGen voice + a
 * script (text-to-speech, nothing uploaded) → project → generate. Then live status:
 * the step the server writes on the project document (onSnapshot, no polling) → the
 * finished video plays (with its captions, on by default) and downloads. A failure shows the server's message and a retry that calls generate
 * again for the same project with the same request.
 */
import type { ScreenContext } from "../main";
import { call, getMe, ServerError } from "../api";
import { firestore } from "../firebase";
import { announce, errorBox, h, mount, showError } from "../ui/dom";
import { photoCapture } from "../ui/photo-capture";
import { voiceRecorder } from "../ui/voice-recorder";
import { presenterPicker, type PresenterChoice } from "../ui/presenter-picker";
import { downloadUrl, uploadWithProgress } from "../ui/uploads";
import { STEPS, stepOf, type ProjectDoc, type StepId } from "../ui/project-status";
import { stepList } from "../ui/steps";
import { showCaptions, transcriptField } from "../ui/captions";

const extensionOf = (type: string) =>
  ({ "image/png": "png", "image/jpeg": "jpg", "audio/mp4": "m4a", "audio/ogg": "ogg" })[type] ?? "webm";

export default async function video(ctx: ScreenContext): Promise<() => void> {
  const me = await getMe();
  // The own-photo way sends the user's photo and recorded voice to HeyGen: it needs
  // both consents. A public presenter speaking a script needs neither.
  const ownAllowed = me.consent.heygen_face.granted && me.consent.heygen_voice.granted;
  const cleanups: (() => void)[] = [];
  const go = h("button", { type: "button", class: "primary", disabled: true }, "Create my talking video");
  const own = () => modeOwn.checked;
  const update = () =>
    (go.disabled = own() ? !(ownAllowed && photo.value() && voice.value()) : !presenter.value());
  const photo = photoCapture("photo", update);
  const voice = voiceRecorder(update);
  const transcript = transcriptField();
  const presenter = presenterPicker(update);
  cleanups.push(photo.stop, voice.stop);

  const modeOwn = h("input", { type: "radio", name: "mode", id: "mode-own", value: "own", checked: ownAllowed });
  const modePresenter = h("input", { type: "radio", name: "mode", id: "mode-presenter", value: "presenter", checked: !ownAllowed });
  const modes = h(
    "fieldset",
    {},
    h("legend", {}, "Who speaks in the video"),
    h("div", { class: "choice" }, modeOwn, h("label", { for: "mode-own" }, "Me: my photo and my voice")),
    h("div", { class: "choice" }, modePresenter, h("label", { for: "mode-presenter" }, "A presenter reading my text")),
  );
  const ownSections = h(
    "div",
    {},
    ownAllowed
      ? null
      : h(
          "p",
          { class: "error" },
          "To use your own photo and voice, first ",
          h("a", { href: "/consent?next=/video" }, "give your consent"),
          " to send them to HeyGen.",
        ),
    h("section", { "aria-labelledby": "photo-h" }, h("h2", { id: "photo-h" }, "1. Your photo"), photo.el),
    h("section", { "aria-labelledby": "voice-h" }, h("h2", { id: "voice-h" }, "2. Your voice"), voice.el, transcript.el),
  );
  const presenterSection = h(
    "section",
    { "aria-labelledby": "presenter-h" },
    h("h2", { id: "presenter-h" }, "Presenter, voice and text"),
    presenter.el,
  );
  const showMode = () => {
    ownSections.hidden = !own();
    presenterSection.hidden = own();
    if (!own()) presenter.load();
    update();
  };
  modeOwn.addEventListener("change", showMode);
  modePresenter.addEventListener("change", showMode);

  const progress = h("progress", { max: 100, value: 0, id: "upload-progress" });
  const progressBox = h(
    "div",
    { hidden: true },
    h("label", { for: "upload-progress" }, "Uploading"),
    progress,
  );
  const steps = stepList(STEPS);
  const statusBox = h("section", { hidden: true, "aria-labelledby": "status-h" }, h("h2", { id: "status-h" }, "Your video"), steps.el);
  const error = errorBox();
  const retry = h("button", { type: "button", class: "secondary", hidden: true }, "Try again");
  const player = h("video", { controls: true, playsinline: true, hidden: true, id: "result-video" });
  const download = h("a", { class: "button secondary", hidden: true, download: "masky-video.mp4" }, "Download the video");
  const captionsBox = h("div", { class: "captions" });
  statusBox.append(error, retry, player, captionsBox, download);

  mount(
    "Talking video",
    modes,
    ownSections,
    presenterSection,
    h("section", { "aria-labelledby": "go-h" }, h("h2", { id: "go-h" }, "Make the video"), go, progressBox),
    statusBox,
  );
  showMode();

  let projectId: string | null = null;
  /** What generate is asked besides the project (the presenter's script and voice, or the transcript). */
  let request: Partial<PresenterChoice> & { transcript?: string } = {};
  let lastStep: StepId | null = null;

  const generate = async () => {
    if (!projectId) return;
    showError(error, null);
    retry.hidden = true;
    try {
      await call("generate", { projectId, ...request });
    } catch (err) {
      const e = err as ServerError;
      showError(error, e.message);
      retry.hidden = false;
    }
  };

  const show = async (p: ProjectDoc) => {
    const step = stepOf(p);
    steps.show(step === "failed" ? null : step);
    if (step !== lastStep) {
      lastStep = step;
      announce(step === "failed" ? "The video failed." : (STEPS.find((s) => s.id === step)?.label ?? ""));
    }
    if (step === "failed") {
      showError(error, p.error?.message ?? "The video could not be made.");
      retry.hidden = false;
    } else if (step === "done" && player.hidden) {
      const src = p.archivedVideoPath ? await downloadUrl(p.archivedVideoPath) : p.videoUrl;
      if (src) {
        player.src = src;
        download.href = src;
        player.hidden = false;
        download.hidden = false;
        // Captions are written with the saved copy of the video.
        if (p.archivedVideoPath)
          await showCaptions(player, captionsBox, p).catch((err: Error) =>
            captionsBox.replaceChildren(h("p", { class: "muted" }, `No captions: ${err.message}.`)),
          );
      }
    }
  };

  retry.addEventListener("click", () => void generate());
  /** The project document, then its live status and generate. */
  const start = async (fields: { name: string; voiceUrl?: string; avatarUrl?: string }) => {
    const { db, fs } = await firestore();
    // The server creates it (within the per-user cap of projects).
    projectId = (await call("create_project", fields)).projectId;
    const ref = fs.doc(db, "projects", projectId);
    statusBox.hidden = false;
    cleanups.push(fs.onSnapshot(ref, (snap) => void show((snap.data() ?? {}) as ProjectDoc)));
    await generate();
  };

  go.addEventListener("click", async () => {
    if (!own()) {
      const choice = presenter.value();
      if (!choice) return;
      go.disabled = true;
      showError(error, null);
      request = choice;
      try {
        await start({ name: `Presenter video ${new Date().toLocaleString()}` });
      } catch (err) {
        statusBox.hidden = false;
        showError(error, (err as Error).message);
        go.disabled = false;
      }
      return;
    }
    const typed = transcript.value();
    request = typed ? { transcript: typed } : {};
    const photoBlob = photo.value();
    const voiceBlob = voice.value();
    if (!photoBlob || !voiceBlob) return;
    go.disabled = true;
    progressBox.hidden = false;
    showError(error, null);
    try {
      const stamp = Date.now();
      const uid = ctx.user.uid;
      const total = photoBlob.size + voiceBlob.size;
      let photoDone = 0;
      const photoType = photoBlob.type || "image/jpeg";
      const voiceType = voiceBlob.type || "audio/webm";
      const avatarUrl = await uploadWithProgress(
        `users/${uid}/photos/${stamp}.${extensionOf(photoType)}`,
        photoBlob,
        photoType,
        (f) => (progress.value = Math.round(((photoDone = f * photoBlob.size) / total) * 100)),
      );
      const voiceUrl = await uploadWithProgress(
        `users/${uid}/voice/${stamp}.${extensionOf(voiceType)}`,
        voiceBlob,
        voiceType,
        (f) => (progress.value = Math.round(((photoDone + f * voiceBlob.size) / total) * 100)),
      );
      await start({ name: `Talking video ${new Date(stamp).toLocaleString()}`, voiceUrl, avatarUrl });
      progressBox.hidden = true; // uploaded and submitted: the steps below take over
    } catch (err) {
      statusBox.hidden = false;
      showError(error, `Upload failed: ${(err as Error).message}`);
      go.disabled = false;
    }
  });

  return () => cleanups.forEach((c) => c());
}

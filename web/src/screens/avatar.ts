/**
 * 3D avatar: selfie (camera or file) → the `create_avatar_job` operation (its callable)
 * → progress bar and named steps from the job document (onSnapshot) → in3D's
 * "continue in the app" link when the job has an `action` → the server's message with
 * Try again on failure → when done, the three.js viewer (its own chunk, loaded only
 * here) with blink, idle and lip-sync (to the voice's speech timeline, which the server
 * computes from the uploaded recording when the user consented to speech_timeline; to
 * the sound until it arrives, or without it), and the preferences form.
 * The screen follows the user's latest job; the viewer shows their latest finished avatar.
 */
import type { ScreenContext } from "../main";
import { createAvatarJob, getAvatarAsset, getMe, type ServerError } from "../api";
import { firestore } from "../firebase";
import { announce, errorBox, h, mount, showError } from "../ui/dom";
import { photoCapture } from "../ui/photo-capture";
import { stepList } from "../ui/steps";
import { AVATAR_STEPS, avatarStepOf, type AvatarJobDoc, type AvatarStepId } from "../ui/avatar-job";
import { avatarVoice } from "../ui/avatar-voice";
import { voiceTimeline } from "../ui/voice-timeline";
import { preferencesForm } from "../ui/preferences-form";
import type { Viewer } from "../avatar/viewer";

export default async function avatar(ctx: ScreenContext): Promise<() => void> {
  const me = await getMe();
  // This screen sends the user's selfie to the 3D provider.
  if (!me.consent.avatar_3d.granted) {
    ctx.navigate("/consent?next=/avatar");
    return () => undefined;
  }
  const cleanups: (() => void)[] = [];
  let disposed = false;
  const make = h("button", { type: "button", class: "primary", disabled: true }, "Make my 3D avatar");
  const selfie = photoCapture("selfie", () => (make.disabled = !selfie.value()));
  cleanups.push(selfie.stop);

  const progress = h("progress", { max: 100, value: 0, id: "avatar-progress" });
  const jobHeading = h("h2", { id: "job-h" }, "Your avatar is being made");
  const steps = stepList(AVATAR_STEPS);
  const actionText = h("p", { hidden: true });
  const action = h("a", { class: "button primary", hidden: true, target: "_blank", rel: "noopener" }, "Continue in the app");
  const error = errorBox();
  const retry = h("button", { type: "button", class: "secondary", hidden: true }, "Try again");
  const statusBox = h(
    "section",
    { hidden: true, "aria-labelledby": "job-h", id: "avatar-job" },
    jobHeading,
    h("div", { class: "field" }, h("label", { for: "avatar-progress" }, "Progress"), progress),
    steps.el,
    actionText,
    action,
    error,
    retry,
  );
  const stage = h("div", { class: "viewer", id: "avatar-viewer" }, h("p", { class: "muted" }, "Loading the 3D viewer…"));
  const viewerBox = h(
    "section",
    { hidden: true, "aria-labelledby": "viewer-h" },
    h("h2", { id: "viewer-h" }, "Your 3D avatar"),
    stage,
  );
  const speechBox = h("section", { hidden: true, "aria-labelledby": "speech-h" }, h("h2", { id: "speech-h" }, "Make it speak"));
  const prefsBox = h("section", { hidden: true, "aria-labelledby": "prefs-h" }, h("h2", { id: "prefs-h" }, "Preferences"));

  mount(
    "3D avatar",
    h(
      "section",
      { "aria-labelledby": "selfie-h" },
      h("h2", { id: "selfie-h" }, "Your selfie"),
      h("p", { class: "muted" }, "Look straight at the camera in even light, without glasses or a hat."),
      selfie.el,
      make,
    ),
    statusBox,
    viewerBox,
    speechBox,
    prefsBox,
  );

  const send = async () => {
    const blob = selfie.value();
    if (!blob) {
      showError(error, "Take or choose a selfie first.");
      return;
    }
    make.disabled = true;
    retry.hidden = true;
    showError(error, null);
    statusBox.hidden = false;
    statusBox.removeAttribute("data-job");
    progress.value = 0;
    steps.show("sending");
    jobHeading.textContent = "Your avatar is being made";
    sending = true;
    try {
      const { jobId } = await createAvatarJob(blob);
      awaited = jobId;
      sending = false;
      showLatest();
    } catch (err) {
      sending = false;
      steps.show(null);
      showError(error, (err as ServerError).message);
      retry.hidden = false;
    } finally {
      make.disabled = !selfie.value();
    }
  };
  make.addEventListener("click", () => void send());
  retry.addEventListener("click", () => void send());

  /** The job just sent (the page follows it), else the user's latest. */
  let awaited: string | null = null;
  /** While a selfie is being sent, snapshots of older jobs do not replace its steps. */
  let sending = false;
  let jobs: { id: string; job: AvatarJobDoc }[] = [];
  let lastStep: AvatarStepId | null = null;
  const showJob = (id: string, job: AvatarJobDoc) => {
    statusBox.hidden = false;
    statusBox.dataset.job = id;
    const step = avatarStepOf(job);
    jobHeading.textContent =
      step === "done" ? "Your avatar is ready" : step === "failed" ? "Your avatar could not be made" : "Your avatar is being made";
    progress.value = Math.round((job.status === "done" ? 1 : (job.progress ?? 0)) * 100);
    steps.show(step === "failed" ? null : step);
    if (step !== lastStep) {
      lastStep = step;
      announce(step === "failed" ? "The 3D avatar could not be made." : (AVATAR_STEPS.find((s) => s.id === step)?.label ?? ""));
    }
    const waiting = job.action && (job.status === "queued" || job.status === "processing");
    actionText.hidden = action.hidden = !waiting;
    if (waiting && job.action) {
      actionText.textContent = job.action.message;
      action.href = job.action.url;
    }
    if (step === "failed") {
      showError(error, job.error ?? "The 3D avatar could not be made.");
      retry.hidden = false;
    } else {
      showError(error, null);
      retry.hidden = true;
    }
  };

  const showLatest = () => {
    if (sending) return;
    // The job just sent, else the latest one (also after a reload).
    const current = awaited ? jobs.find((j) => j.id === awaited) : jobs[0];
    if (current) showJob(current.id, current.job);
    else if (awaited) statusBox.dataset.job = awaited;
  };

  let viewer: Viewer | null = null;
  let viewerAsset: string | null = null;
  cleanups.push(() => viewer?.dispose());
  const openViewer = async (assetId: string) => {
    if (viewerAsset === assetId) return;
    viewerAsset = assetId;
    viewerBox.hidden = false;
    try {
      // three.js and the viewer are their own chunk: only this page ever loads them.
      const [{ createViewer }, asset] = await Promise.all([import("../avatar/viewer"), getAvatarAsset(assetId)]);
      if (disposed || viewerAsset !== assetId) return;
      viewer?.dispose();
      viewer = await createViewer(stage, asset);
      if (disposed) return viewer.dispose();
      const v = viewer;
      // The mouth follows the sound of the chosen audio until its speech timeline, computed
      // by the server from the uploaded recording (`timelinePromise`), arrives and takes
      // over (the viewer cross-fades). Without the speech_timeline consent nothing is
      // uploaded and the sound alone moves the mouth.
      const withTimeline = me.consent.speech_timeline.granted;
      const speakWithTimeline = (audio: Blob) => {
        const timelinePromise = voiceTimeline(ctx.user.uid, audio);
        timelinePromise.then(
          () => voice.setNote("This voice's timeline is ready: the mouth follows your words."),
          (err: Error) => voice.setNote(`This voice has no timeline (${err.message}): the mouth follows the sound.`),
        );
        return v.speak(audio, { timelinePromise });
      };
      const voice = avatarVoice(
        (audio) => (withTimeline ? speakWithTimeline(audio) : v.speak(audio, {})),
        () => v.stopSpeaking(),
        withTimeline
          ? "Your voice is uploaded and analysed by Masky (never sent to anyone else); the recording is deleted once its timeline is made."
          : "The mouth follows the sound. Allow speech timelines on the consent page for a mouth that follows your words.",
      );
      cleanups.push(voice.stop);
      speechBox.replaceChildren(speechBox.firstChild as Node, voice.el);
      prefsBox.replaceChildren(prefsBox.firstChild as Node, preferencesForm(assetId));
      speechBox.hidden = prefsBox.hidden = false;
      stage.dataset.ready = "true";
    } catch (err) {
      viewerAsset = null;
      stage.replaceChildren(h("p", { role: "alert", class: "error" }, `The 3D avatar cannot be shown: ${(err as Error).message}`));
    }
  };

  const { db, fs } = await firestore();
  cleanups.push(
    fs.onSnapshot(
      fs.query(fs.collection(db, "avatar_jobs"), fs.where("user_id", "==", ctx.user.uid)),
      (snap) => {
        jobs = snap.docs
          .map((d) => ({ id: d.id, job: d.data() as AvatarJobDoc }))
          .sort((a, b) => (b.job.created_at?.toMillis() ?? Infinity) - (a.job.created_at?.toMillis() ?? Infinity));
        showLatest();
        const done = jobs.find((j) => j.job.status === "done" && j.job.asset_id);
        if (done?.job.asset_id) void openViewer(done.job.asset_id);
      },
      (e) => showError(error, e.message),
    ),
  );

  return () => {
    disposed = true;
    cleanups.forEach((c) => c());
  };
}

/**
 * What a person sees of a project: its `step` and the `error` shown with a failure, both
 * derived from the three machines and written by every transition of any of them as the
 * project's mirrors (the web client reads them from the document it listens to).
 *
 * preparing: a generate is claiming, creating, or waiting for a new look (or none asked
 * yet); rendering: HeyGen renders the video; saving: the finished video is copied into
 * Storage; done; failed: the last generate failed, or the video failed or was cancelled
 * (consent withdrawn, account erased), with that failure's message.
 */
import {
  archiveState,
  generationState,
  videoState,
  type Project,
  type ProjectStep,
} from "./projects";

export function projectStep(p: Project): ProjectStep {
  const g = generationState(p);
  // A (re)try in flight wins over the previous attempt's outcome.
  if (g === "submitting" || g === "preparing") return "preparing";
  if (g === "failed") return "failed";
  const v = videoState(p);
  if (v === "failed" || v === "cancelled") return "failed";
  if (v === "completed") {
    const a = archiveState(p);
    return a === "pending" || a === "running" ? "saving" : "done";
  }
  return v === "none" ? "preparing" : "rendering";
}

/** The failure a person sees: the generation's, else the video's; none unless failed. */
function visibleError(p: Project, step: ProjectStep): Project["error"] {
  if (step !== "failed") return null;
  return generationState(p) === "failed" ? (p.generation?.error ?? null) : (p.video?.error ?? null);
}

/** The project's mirrors after a write of any of its machines. */
export function projectMirrors(after: Project): Pick<Project, "step" | "error"> {
  const step = projectStep(after);
  return { step, error: visibleError(after, step) };
}

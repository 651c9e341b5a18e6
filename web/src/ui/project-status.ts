/**
 * The named steps of a talking-video project. The server writes the step a person sees
 * on the project document (`step`, with `error` when it failed), so the page shows it
 * from the document it already listens to and asks the server nothing.
 */
export interface ProjectDoc {
  name?: string;
  step?: StepId | null;
  videoUrl?: string | null;
  archivedVideoPath?: string | null;
  /** The captions written with the saved video (their path), or why there are none. */
  captions?: { source: "script" | "transcript" | "none"; path: string | null; error: string | null } | null;
  error?: { code?: string | null; message: string } | null;
}

export const STEPS = [
  { id: "preparing", label: "Preparing your look" },
  { id: "rendering", label: "Rendering the video" },
  { id: "saving", label: "Saving the video" },
  { id: "done", label: "Done" },
] as const;
export type StepId = (typeof STEPS)[number]["id"] | "failed";

/** The server's step; a project it has not written yet is being prepared. */
export const stepOf = (p: ProjectDoc): StepId => p.step ?? "preparing";

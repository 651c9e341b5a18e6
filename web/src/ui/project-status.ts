/** The named steps of a talking-video project, read from its Firestore document. */
export interface ProjectDoc {
  name?: string;
  heygenVideoId?: string | null;
  heygenStatus?: string | null;
  videoUrl?: string | null;
  archiveState?: string | null;
  archivedVideoPath?: string | null;
  error?: { code?: string | null; message: string } | null;
  generation?: { state: string } | null;
}

export const STEPS = [
  { id: "preparing", label: "Preparing your look" },
  { id: "rendering", label: "Rendering the video" },
  { id: "archiving", label: "Saving the video" },
  { id: "done", label: "Done" },
] as const;
export type StepId = (typeof STEPS)[number]["id"] | "failed";

export function stepOf(p: ProjectDoc): StepId {
  // A (re)try in flight wins over the previous attempt's outcome.
  // Submitting, or deferred while HeyGen prepares a new look (generate answered 202).
  if (p.generation?.state === "submitting" || p.generation?.state === "preparing") return "preparing";
  if (p.generation?.state === "failed" || p.heygenStatus === "failed") return "failed";
  if (p.heygenStatus === "completed") {
    return p.archiveState === "done" || p.archiveState === "failed" ? "done" : "archiving";
  }
  return p.heygenVideoId ? "rendering" : "preparing";
}

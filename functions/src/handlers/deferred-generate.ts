/**
 * The edges of a deferred generate's background run (services/heygen/resume-generate.ts):
 * the trigger (on_project_updated) and the scheduled take-over (resume_deferred_generates). The request generate
 * stored is validated here again with the endpoint's own schema, like any input.
 */
import type { AppContext } from "../context";
import { log } from "../logs";
import {
  resumeGenerate,
  resumeStalledGenerates,
  TRIGGER_LOOK_WAIT_MS,
} from "../services/heygen/resume-generate";
import type { GenerateInput } from "../services/heygen/generate-steps";
import { parseInput } from "../http/validate";
import { generateBody } from "./heygen-schemas";

/** A 400 naming the field, kept on the project, if the stored request no longer passes. */
const parseRequest = (raw: unknown): GenerateInput =>
  parseInput(generateBody, raw, "stored generate request");

export async function resumeFromTrigger(app: AppContext, projectId: string): Promise<void> {
  const outcome = await resumeGenerate(app, projectId, {
    lookWaitMs: TRIGGER_LOOK_WAIT_MS,
    parseRequest,
  });
  log.info("deferred generate run", { projectId, outcome });
}

export async function resumeStalled(app: AppContext, opts: { budgetMs: number }): Promise<void> {
  const counts = await resumeStalledGenerates(app, parseRequest, opts);
  if (Object.values(counts).some((n) => n > 0)) log.info("stalled deferred generates", counts);
}

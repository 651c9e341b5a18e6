/**
 * The consent of a running generate, checked again right before each upstream call
 * that sends the face or the voice (look creation, audio upload, video create):
 * converting audio and waiting for a look take long enough for the user to withdraw
 * meanwhile. A withdrawal found here removes what this run uploaded after it (the
 * withdrawal's own removal, run again: every look, image or audio asset remembered for
 * the purpose is deleted at HeyGen where the API allows) and ends the run with 403
 * CONSENT_REQUIRED; the caller gives the reserved video back.
 */
import type { AppContext } from "../../context";
import type { ConsentPurpose } from "../../store/consent";
import type { Project } from "../../store/projects";
import { log, logUserId } from "../../logs";
import { consentRequiredError } from "../consent/consent-decisions";
import { consentPolicy, missingConsent } from "../consent/guard";
import { withdrawnMessage } from "../consent/withdraw-consent";
import { emptyReport } from "../privacy/removal-report";
import { removeHeygenFaceInputs, removeHeygenVoiceInputs } from "../privacy/remove-heygen-inputs";
import { generatePurposes } from "./generate-consent";
import type { GenerateInput } from "./generate-steps";

export type ConsentGate = () => Promise<void>;

/**
 * The gate of one run over the claimed project (what the run sends): the purposes are
 * worked out once, the consent read at every call.
 */
export function consentGate(
  app: AppContext,
  uid: string,
  input: GenerateInput,
  project: Project,
): ConsentGate {
  let purposes: Promise<ConsentPurpose[]> | null = null;
  return async () => {
    purposes ??= generatePurposes(app, uid, input, project);
    const missing = await missingConsent(app, uid, await purposes);
    if (missing.length === 0) return;
    const report = emptyReport();
    for (const purpose of missing) {
      const cancel = { code: "CONSENT_WITHDRAWN", message: withdrawnMessage(purpose) };
      if (purpose === "heygen_face") await removeHeygenFaceInputs(app, uid, report, cancel);
      if (purpose === "heygen_voice") await removeHeygenVoiceInputs(app, uid, report, cancel);
    }
    log.warn("generate: consent withdrawn while it ran; what it uploaded is removed", {
      user: logUserId(uid),
      projectId: input.projectId,
      missing,
      upstream: report.upstream.map((u) => `${u.kind}:${u.outcome}`),
    });
    throw consentRequiredError(missing, consentPolicy(app));
  };
}

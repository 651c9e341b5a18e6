/**
 * `DELETE /api/me/consent/{purpose}`: the purpose is marked withdrawn first (so the
 * trigger and the sweeps stop at once), then its pending work is cancelled and its
 * biometric inputs are deleted here, at HeyGen and at the 3D provider. What was
 * removed (and what could not be) is answered and appended to the consent log.
 */
import type { AppContext } from "../../context";
import { appendConsentLog, writeWithdrawal, type ConsentPurpose } from "../../store/consent";
import { emptyReport, type RemovalReport } from "../privacy/removal-report";
import { removeAvatar3dInputs } from "../privacy/remove-avatar-3d";
import { removeHeygenFaceInputs, removeHeygenVoiceInputs } from "../privacy/remove-heygen-inputs";

export interface WithdrawalResult {
  purpose: ConsentPurpose;
  withdrawnAt: string;
  removed: RemovalReport;
}

export const withdrawnMessage = (purpose: ConsentPurpose): string =>
  `Cancelled: consent to ${purpose} was withdrawn.`;

export async function withdrawConsent(
  app: AppContext,
  uid: string,
  purpose: ConsentPurpose,
): Promise<WithdrawalResult> {
  const at = app.clock.now();
  await writeWithdrawal(app.db, uid, purpose, at);
  const removed = emptyReport();
  const cancel = { code: "CONSENT_WITHDRAWN", message: withdrawnMessage(purpose) };
  if (purpose === "avatar_3d") await removeAvatar3dInputs(app, uid, removed, cancel.message);
  if (purpose === "heygen_face") await removeHeygenFaceInputs(app, uid, removed, cancel);
  if (purpose === "heygen_voice") await removeHeygenVoiceInputs(app, uid, removed, cancel);
  if (purpose === "speech_timeline") {
    const { deleteAllTimelines } = await import("../speech/stored-timeline");
    const gone = await deleteAllTimelines(app, uid);
    removed.storage.push(...gone.storage);
    removed.firestore.push(...gone.firestore);
  }
  await appendConsentLog(app.db, uid, {
    action: "withdraw",
    uid,
    purposes: [purpose],
    at,
    removed: removed as unknown as Record<string, unknown>,
  });
  return { purpose, withdrawnAt: at.toISOString(), removed };
}

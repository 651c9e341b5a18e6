/**
 * Which consent purposes one `generate` call needs, decided before anything is read,
 * uploaded or sent: the recorded voice always goes to HeyGen (`heygen_voice`); the
 * user's face does when their photo is used or the avatar id is one of their own
 * looks (`heygen_face`), not for a public avatar or the fallback.
 */
import type { AppContext } from "../../context";
import type { ConsentPurpose } from "../../store/consent";
import { isOwnLook } from "../../store/avatar-looks";
import { getOwnedProject } from "../../store/projects";
import { requireConsent } from "../consent/guard";
import type { GenerateInput } from "./generate-video";

export async function generatePurposes(
  app: AppContext,
  uid: string,
  input: GenerateInput,
): Promise<ConsentPurpose[]> {
  // 404 for another user's project comes before any consent answer.
  const project = await getOwnedProject(app.db, input.projectId, uid);
  const purposes: ConsentPurpose[] = ["heygen_voice"];
  const usesFace = input.heygenAvatarId
    ? await isOwnLook(app.db, uid, input.heygenAvatarId)
    : Boolean(input.userAvatarUrl ?? project.avatarUrl);
  if (usesFace) purposes.push("heygen_face");
  return purposes;
}

/** The consent guard of `generate`: 403 CONSENT_REQUIRED naming what is missing. */
export async function requireGenerateConsent(
  app: AppContext,
  uid: string,
  input: GenerateInput,
): Promise<void> {
  await requireConsent(app, uid, await generatePurposes(app, uid, input));
}

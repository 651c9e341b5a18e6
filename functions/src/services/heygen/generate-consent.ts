/**
 * The checks at the start of `generate`, before anything is uploaded or sent, on the
 * project its caller read as theirs (getOwnedProject's 404 first): an explicit
 * `heygenAvatarId` is public or their own (404), and consent covers what goes to
 * HeyGen: a recorded voice (`heygen_voice`; a script spoken by a HeyGen voice needs
 * none); the user's face when their photo is used or the avatar id is one of their own
 * looks (`heygen_face`), not for a public avatar or the fallback (the decision:
 * consent-decisions.ts `generatePurposesFor`).
 */
import type { AppContext } from "../../context";
import type { ConsentPurpose } from "../../store/consent";
import type { Project } from "../../store/projects";
import { generatePurposesFor } from "../consent/consent-decisions";
import { requireConsent } from "../consent/guard";
import type { GenerateInput } from "./generate-steps";
import { requireUsableAvatarId } from "./avatar-ownership";
import { chooseVoiceSource } from "./voice-source";

/** What `generate` sends of the user for this input and project (the project as read, the caller's). */
export async function generatePurposes(
  app: AppContext,
  uid: string,
  input: GenerateInput,
  project: Project,
): Promise<ConsentPurpose[]> {
  return generatePurposesFor({
    voice: chooseVoiceSource(input, project).source,
    avatarId: input.heygenAvatarId
      ? await requireUsableAvatarId(app, uid, input.heygenAvatarId)
      : undefined,
    photoUrl: input.userAvatarUrl ?? project.avatarUrl,
  });
}

/**
 * The guard of `generate`: 404 for a foreign avatar id, then 403 CONSENT_REQUIRED naming
 * what is missing. `project` is the caller's (getOwnedProject's 404 comes first).
 */
export async function requireGenerateConsent(
  app: AppContext,
  uid: string,
  input: GenerateInput,
  project: Project,
): Promise<void> {
  await requireConsent(app, uid, await generatePurposes(app, uid, input, project));
}

/**
 * The consent decisions, from the records the server stored: which of the purposes a
 * flow needs are missing (granted = current policy version, the minimum age confirmed,
 * not withdrawn: store/consent-records.ts `isGranted`), the 403 CONSENT_REQUIRED that
 * names them, and which purposes a `generate` needs for what it sends to HeyGen.
 */
import { ApiError } from "../../errors";
import {
  isGranted,
  type ConsentPolicy,
  type ConsentPurpose,
  type ConsentRecords,
} from "../../store/consent-records";

/** The purposes among `purposes` (each once, in order) that the records do not grant. */
export function missingFrom(
  records: ConsentRecords,
  purposes: readonly ConsentPurpose[],
  policy: ConsentPolicy,
): ConsentPurpose[] {
  return [...new Set(purposes)].filter((p) => !isGranted(records[p], policy));
}

export function consentRequiredError(
  missing: readonly ConsentPurpose[],
  policy: ConsentPolicy,
): ApiError {
  return new ApiError(
    "CONSENT_REQUIRED",
    `Consent is required for ${missing.join(", ")} under policy version ${policy.policyVersion}: ` +
      `confirm you are at least ${policy.minimumAge} and record it with POST /api/me/consent ` +
      `{"policyVersion": "${policy.policyVersion}", "ageConfirmed": true, "purposes": [${missing
        .map((p) => `"${p}"`)
        .join(", ")}]}.`,
    { details: { missing: [...missing], policyVersion: policy.policyVersion } },
  );
}

/** The 403 CONSENT_REQUIRED for the purposes the records do not grant, or null when all are. */
export function consentRefusal(
  records: ConsentRecords,
  purposes: readonly ConsentPurpose[],
  policy: ConsentPolicy,
): ApiError | null {
  const missing = missingFrom(records, purposes, policy);
  return missing.length > 0 ? consentRequiredError(missing, policy) : null;
}

/**
 * What a `generate` sends to HeyGen needs: `heygen_voice` for a recorded voice (a script
 * spoken by a HeyGen voice needs none); `heygen_face` for the user's face: with an explicit
 * avatar id when it is one of their own looks, without one when a photo is given (the
 * request's or the project's). A public avatar or the fallback needs neither.
 */
export function generatePurposesFor(uses: {
  voice: "recorded" | "tts";
  /** The explicit `heygenAvatarId`'s kind, or undefined when none was given. */
  avatarId?: "own" | "public";
  photoUrl?: string | null;
}): ConsentPurpose[] {
  const purposes: ConsentPurpose[] = [];
  if (uses.voice === "recorded") purposes.push("heygen_voice");
  const face = uses.avatarId !== undefined ? uses.avatarId === "own" : Boolean(uses.photoUrl);
  if (face) purposes.push("heygen_face");
  return purposes;
}

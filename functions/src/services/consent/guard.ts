/**
 * The consent guard: every flow that sends a face or a voice upstream calls it first
 * with the purposes it needs. `requireConsent` answers 403 CONSENT_REQUIRED naming the
 * missing purposes; `missingConsent` is the same check for background work, which
 * cancels instead of throwing.
 */
import type { AppContext } from "../../context";
import { ApiError } from "../../errors";
import {
  getConsentRecords,
  isGranted,
  type ConsentPolicy,
  type ConsentPurpose,
  type ConsentRecords,
} from "../../store/consent";

export function consentPolicy(app: AppContext): ConsentPolicy {
  return app.config.consent;
}

export function missingFrom(
  records: ConsentRecords,
  purposes: readonly ConsentPurpose[],
  policy: ConsentPolicy,
): ConsentPurpose[] {
  return [...new Set(purposes)].filter((p) => !isGranted(records[p], policy));
}

export async function missingConsent(
  app: AppContext,
  uid: string,
  purposes: readonly ConsentPurpose[],
): Promise<ConsentPurpose[]> {
  if (purposes.length === 0) return [];
  return missingFrom(await getConsentRecords(app.db, uid), purposes, consentPolicy(app));
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

/** Throws 403 CONSENT_REQUIRED unless every purpose is granted; call it before any upload or upstream call. */
export async function requireConsent(
  app: AppContext,
  uid: string,
  purposes: readonly ConsentPurpose[],
): Promise<void> {
  const missing = await missingConsent(app, uid, purposes);
  if (missing.length > 0) throw consentRequiredError(missing, consentPolicy(app));
}

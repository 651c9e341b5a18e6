/**
 * The consent guard: every flow that sends a face or a voice upstream calls it first
 * with the purposes it needs. `requireConsent` answers 403 CONSENT_REQUIRED naming the
 * missing purposes; `missingConsent` is the same check for background work, which
 * cancels instead of throwing. The decisions are in consent-decisions.ts.
 */
import type { AppContext } from "../../context";
import { getConsentRecords, type ConsentPolicy, type ConsentPurpose } from "../../store/consent";
import { consentRefusal, missingFrom } from "./consent-decisions";

export { missingFrom } from "./consent-decisions";

export function consentPolicy(app: AppContext): ConsentPolicy {
  return app.config.consent;
}

export async function missingConsent(
  app: AppContext,
  uid: string,
  purposes: readonly ConsentPurpose[],
): Promise<ConsentPurpose[]> {
  if (purposes.length === 0) return [];
  return missingFrom(await getConsentRecords(app.db, uid), purposes, consentPolicy(app));
}

/** Throws 403 CONSENT_REQUIRED unless every purpose is granted; call it before any upload or upstream call. */
export async function requireConsent(
  app: AppContext,
  uid: string,
  purposes: readonly ConsentPurpose[],
): Promise<void> {
  const records = await getConsentRecords(app.db, uid);
  const refusal = consentRefusal(records, purposes, consentPolicy(app));
  if (refusal) throw refusal;
}

/**
 * `POST /api/me/consent` and `GET /api/me`: consent recorded by the server (who, which
 * purposes, the server's time, the policy version, the minimum age confirmed).
 */
import type { AppContext } from "../../context";
import { ApiError } from "../../errors";
import { getUser } from "../../store/users";
import {
  consentState,
  parseConsentRecords,
  writeGrant,
  type ConsentPurpose,
  type ConsentState,
} from "../../store/consent";
import { consentPolicy } from "./guard";
import { erasureRequested } from "../../store/erasures";

export interface ConsentInput {
  policyVersion: string;
  ageConfirmed: true;
  purposes: ConsentPurpose[];
}

/** Records (or refreshes) consent for the purposes; answers the consent state GET /api/me shows. */
export async function recordConsent(
  app: AppContext,
  uid: string,
  input: ConsentInput,
): Promise<{ consent: ConsentState }> {
  const policy = consentPolicy(app);
  if (input.policyVersion !== policy.policyVersion) {
    throw new ApiError(
      "INVALID_REQUEST",
      `Policy version ${input.policyVersion} is not the current one; show the user version ${policy.policyVersion} and send that.`,
      { details: { currentPolicyVersion: policy.policyVersion } },
    );
  }
  if (await erasureRequested(app.db, uid)) {
    throw new ApiError("CONFLICT", "This account is being erased; consent cannot be recorded.");
  }
  const records = await writeGrant(app.db, uid, input.purposes, policy, app.clock.now());
  return { consent: consentState(records, policy) };
}

export interface AccountState {
  uid: string;
  /** Age confirmed under the current policy (by any current consent record). */
  ageConfirmed: boolean;
  /** Deprecated alias of `consent.avatar_3d.granted`. */
  consentSelfie: boolean;
  hasHeygenFolder: boolean;
  createdAt: string | null;
  policyVersion: string;
  minimumAge: number;
  consent: ConsentState;
}

export async function accountState(app: AppContext, uid: string): Promise<AccountState> {
  const policy = consentPolicy(app);
  const doc = await getUser(app.db, uid);
  const consent = consentState(parseConsentRecords(doc ?? {}), policy);
  return {
    uid,
    ageConfirmed: Object.values(consent).some((c) => c.granted),
    consentSelfie: consent.avatar_3d.granted,
    hasHeygenFolder: Boolean(doc?.heygenFolderId),
    createdAt: doc?.created_at?.toDate().toISOString() ?? null,
    policyVersion: policy.policyVersion,
    minimumAge: policy.minimumAge,
    consent,
  };
}

/** Consent as a client records it: POST /api/me/consent over HTTP (or the service, for bare uids). */
import { expect } from "chai";
import { callFunction } from "./http";
import { createUser, type TestUser } from "./auth";
import { testContext } from "./context";
import { simulatedParams, TEST_PROJECT_ID } from "../../devtools/stack-env";
import { recordConsent } from "../../src/services/consent/record-consent";
import type { ConsentPurpose } from "../../src/store/consent";

export const POLICY_VERSION = simulatedParams(TEST_PROJECT_ID).CONSENT_POLICY_VERSION;
export const ALL_PURPOSES: ConsentPurpose[] = [
  "heygen_face",
  "heygen_voice",
  "avatar_3d",
  "speech_timeline",
];

export async function grantConsent(
  user: TestUser,
  purposes: ConsentPurpose[] = ALL_PURPOSES,
): Promise<void> {
  const res = await callFunction("me", "/api/me/consent", {
    method: "POST",
    token: user.idToken,
    body: { policyVersion: POLICY_VERSION, ageConfirmed: true, purposes },
  });
  expect(res.status, JSON.stringify(res.body)).to.equal(200);
}

/** A new Auth user who consented (through the API) to the given purposes. */
export async function consentingUser(purposes: ConsentPurpose[] = ALL_PURPOSES): Promise<TestUser> {
  const user = await createUser();
  await grantConsent(user, purposes);
  return user;
}

/** For service-level tests that use a bare uid: the same record, through the service. */
export async function grantConsentToUid(
  uid: string,
  purposes: ConsentPurpose[] = ALL_PURPOSES,
): Promise<void> {
  await recordConsent(testContext(), uid, {
    policyVersion: POLICY_VERSION,
    ageConfirmed: true,
    purposes,
  });
}

import { expect } from "chai";
import { Timestamp } from "firebase-admin/firestore";
import { callFunction } from "../helpers/http";
import { createUser, type TestUser } from "../helpers/auth";
import { db } from "../helpers/admin";
import { grantConsent, POLICY_VERSION } from "../helpers/consent";
import { useStack } from "../helpers/use-stack";

interface ConsentView {
  granted: boolean;
  policyVersion: string | null;
  grantedAt: string | null;
}
type ConsentState = Record<
  "heygen_face" | "heygen_voice" | "avatar_3d" | "speech_timeline",
  ConsentView
>;

const post = (user: TestUser, body: unknown) =>
  callFunction<{ consent: ConsentState; error?: string; details?: Record<string, unknown> }>(
    "me",
    "/api/me/consent",
    { method: "POST", token: user.idToken, body },
  );
/** POST /api/me/consent as the consent screen sends it: the current policy, age confirmed. */
const grant = (user: TestUser, purposes: string[]) =>
  post(user, { policyVersion: POLICY_VERSION, ageConfirmed: true, purposes });
const me = (user: TestUser) =>
  callFunction<{
    consent: ConsentState;
    ageConfirmed: boolean;
    consentSelfie: boolean;
    createdAt: string | null;
  }>("me", "/api/me", { token: user.idToken });

describe("consent recorded by the server (POST /api/me/consent, GET /api/me)", function () {
  this.timeout(30000);
  useStack({ fresh: { firestore: true } });

  it("records who, which purposes, the server's time, the policy version and the minimum age; answers what GET /api/me shows", async () => {
    const user = await createUser();
    const before = Date.now();
    const res = await grant(user, ["heygen_face", "heygen_voice"]);
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    const face = res.body.consent.heygen_face;
    expect(face.granted).to.equal(true);
    expect(face.policyVersion).to.equal(POLICY_VERSION);
    expect(Date.parse(face.grantedAt as string)).to.be.within(before - 5000, Date.now() + 5000);
    expect(res.body.consent.avatar_3d).to.deep.equal({
      granted: false,
      policyVersion: null,
      grantedAt: null,
    });

    const account = await me(user);
    expect(account.status).to.equal(200);
    expect(account.body.consent).to.deep.equal(res.body.consent);
    expect(account.body).to.include({ ageConfirmed: true, consentSelfie: false });

    const stored = (await db().doc(`users/${user.uid}`).get()).get("consent.heygen_voice");
    expect(stored).to.include({ policyVersion: POLICY_VERSION, minimumAgeConfirmed: 18 });
    expect(stored.grantedAt).to.be.instanceOf(Timestamp);
    const log = await db().collection(`users/${user.uid}/consent_log`).get();
    expect(log.docs.map((d) => d.data())).to.have.length(1);
    expect(log.docs[0].data()).to.include({
      action: "grant",
      uid: user.uid,
      policyVersion: POLICY_VERSION,
      minimumAgeConfirmed: 18,
    });
    expect(log.docs[0].get("purposes")).to.deep.equal(["heygen_face", "heygen_voice"]);
  });

  it("the first grant creates the account with its created_at: GET /api/me shows it at once, at the grant's time", async () => {
    // Before, created_at came only from on_user_created, a trigger that lands later: an
    // export or GET /api/me right after the first consent saw an account without one.
    const user = await createUser();
    const res = await grant(user, ["avatar_3d"]);
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    const account = await me(user);
    expect(account.body.createdAt).to.equal(res.body.consent.avatar_3d.grantedAt);
    // A later grant keeps it.
    await grantConsent(user, ["heygen_face"]);
    expect((await me(user)).body.createdAt).to.equal(account.body.createdAt);
  });

  it("re-posting adds purposes and refreshes the ones given, keeping the others", async () => {
    const user = await createUser();
    const first = await grant(user, ["heygen_face"]);
    await new Promise((r) => setTimeout(r, 20));
    const second = await grant(user, ["heygen_face", "avatar_3d"]);
    expect(second.status).to.equal(200);
    expect(second.body.consent.avatar_3d.granted).to.equal(true);
    expect(Date.parse(second.body.consent.heygen_face.grantedAt as string)).to.be.greaterThan(
      Date.parse(first.body.consent.heygen_face.grantedAt as string),
    );
    expect(second.body.consent.heygen_voice.granted).to.equal(false);
    expect((await db().collection(`users/${user.uid}/consent_log`).get()).size).to.equal(2);
  });

  it("refuses an old policy version with the current one in details, and records nothing", async () => {
    const user = await createUser();
    const res = await post(user, {
      policyVersion: "2020-01-01",
      ageConfirmed: true,
      purposes: ["heygen_face"],
    });
    expect(res.status).to.equal(400);
    expect(res.body).to.deep.include({
      error: "INVALID_REQUEST",
      details: { currentPolicyVersion: POLICY_VERSION },
    });
    expect((await db().doc(`users/${user.uid}`).get()).exists).to.equal(false);
  });

  it("refuses without age confirmation, with no, unknown or repeated purposes, and unknown keys", async () => {
    const user = await createUser();
    const bodies = [
      { policyVersion: POLICY_VERSION, ageConfirmed: false, purposes: ["heygen_face"] },
      { policyVersion: POLICY_VERSION, purposes: ["heygen_face"] },
      { policyVersion: POLICY_VERSION, ageConfirmed: true, purposes: [] },
      { policyVersion: POLICY_VERSION, ageConfirmed: true, purposes: ["selfie"] },
      { policyVersion: POLICY_VERSION, ageConfirmed: true, purposes: ["avatar_3d", "avatar_3d"] },
      { policyVersion: POLICY_VERSION, ageConfirmed: true, purposes: ["avatar_3d"], extra: 1 },
      { ageConfirmed: true, purposes: ["avatar_3d"] },
    ];
    for (const body of bodies) {
      const res = await post(user, body);
      expect(res.status, JSON.stringify(body)).to.equal(400);
      expect(res.body.error).to.equal("INVALID_REQUEST");
    }
    expect((await db().doc(`users/${user.uid}`).get()).exists).to.equal(false);
    expect((await post({ ...user, idToken: "nope" }, {})).status).to.equal(401);
  });

  it("counts a record only under the current policy version, with the current minimum age, not withdrawn", async () => {
    const user = await createUser();
    const at = new Date();
    await db()
      .doc(`users/${user.uid}`)
      .set({
        consent: {
          heygen_face: { policyVersion: "2020-01-01", grantedAt: at, minimumAgeConfirmed: 18 },
          heygen_voice: { policyVersion: POLICY_VERSION, grantedAt: at, minimumAgeConfirmed: 16 },
          avatar_3d: {
            policyVersion: POLICY_VERSION,
            grantedAt: at,
            minimumAgeConfirmed: 18,
            withdrawnAt: at,
          },
        },
      });
    const account = await me(user);
    expect(account.body.consent.heygen_face).to.deep.equal({
      granted: false,
      policyVersion: "2020-01-01",
      grantedAt: at.toISOString(),
    });
    expect(account.body.consent.heygen_voice.granted).to.equal(false);
    expect(account.body.consent.avatar_3d.granted).to.equal(false);
    expect(account.body.ageConfirmed).to.equal(false);
  });
});

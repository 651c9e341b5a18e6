/**
 * The callables over the callable protocol (POST {data} → {result} | {error}), as the
 * Firebase Web SDK sends them: same validation and error codes as the HTTPS routes
 * (test/http/parity.test.ts compares the two over the whole table).
 */
import { expect } from "chai";
import { readFileSync } from "node:fs";
import { photoJpeg } from "../fixtures/media";
import { functionUrl } from "../helpers/env";
import { createUser, type TestUser } from "../helpers/auth";
import { POLICY_VERSION } from "../helpers/consent";
import { adminAuth, db } from "../helpers/admin";
import { useStack } from "../helpers/use-stack";
import { retriedOnContention } from "../helpers/quotas";

interface CallableReply {
  result?: unknown;
  error?: {
    status: string;
    message: string;
    details?: { error: string; details?: unknown; retryAfterSeconds?: number };
  };
}

async function invoke(name: string, data: unknown, token?: string): Promise<CallableReply> {
  const res = await fetch(functionUrl(name), {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ data }),
  });
  return (await res.json()) as CallableReply;
}

describe("callables (onCall): thin wrappers with the project's error codes", function () {
  this.timeout(30000);
  useStack({ servers: ["storage", "heygen"] });
  let user: TestUser;
  before(async () => {
    user = await createUser();
  });

  it("refuses a caller without an ID token: UNAUTHENTICATED in the details", async () => {
    const reply = await invoke("video_status_call", { video_id: "v1" });
    expect(reply.error?.status).to.equal("UNAUTHENTICATED");
    expect(reply.error?.details?.error).to.equal("UNAUTHENTICATED");
  });

  it("validates with the HTTPS handler's zod schema: INVALID_REQUEST with the issues", async () => {
    const reply = await invoke("generate_call", { projectId: "", extra: 1 }, user.idToken);
    expect(reply.error?.status).to.equal("INVALID_ARGUMENT");
    expect(reply.error?.details?.error).to.equal("INVALID_REQUEST");
    expect(reply.error?.details?.details).to.be.an("array").with.length.greaterThan(0);
  });

  it("carries service errors: someone else's or a missing project is NOT_FOUND", async () => {
    const reply = await invoke("generate_call", { projectId: "no-such-project" }, user.idToken);
    expect(reply.error?.details?.error).to.equal("NOT_FOUND");
    expect(reply.error?.message).to.match(/not found/i);
  });

  it("video_status_call answers NOT_FOUND for a video the caller does not own", async () => {
    const reply = await invoke("video_status_call", { video_id: "unknown-video" }, user.idToken);
    expect(reply.error?.details?.error).to.equal("NOT_FOUND");
  });

  it("lists HeyGen voices and avatars from the same cached service", async () => {
    const voices = await invoke("voices_call", {}, user.idToken);
    expect((voices.result as { voices: unknown[] }).voices)
      .to.be.an("array")
      .with.length.greaterThan(0);
    const avatars = await invoke("avatars_call", {}, user.idToken);
    expect((avatars.result as { avatars: unknown[] }).avatars)
      .to.be.an("array")
      .with.length.greaterThan(0);
  });

  it("preferences: an asset that is not the caller's is NOT_FOUND, as over HTTPS", async () => {
    const save = await invoke(
      "save_preferences_call",
      { assetId: "not-mine", voice: { language: "en-US" } },
      user.idToken,
    );
    expect(save.error?.details?.error).to.equal("NOT_FOUND");
    const read = await invoke("get_preferences_call", {}, user.idToken);
    expect(read.error?.details?.error).to.equal("INVALID_REQUEST");
  });

  it("consent: record_consent_call, me_call and withdraw_consent_call run the /api/me services", async () => {
    const fresh = await createUser();
    const refused = await invoke(
      "record_consent_call",
      { policyVersion: POLICY_VERSION, ageConfirmed: false, purposes: ["avatar_3d"] },
      fresh.idToken,
    );
    expect(refused.error?.details?.error).to.equal("INVALID_REQUEST");
    const recorded = await invoke(
      "record_consent_call",
      { policyVersion: POLICY_VERSION, ageConfirmed: true, purposes: ["avatar_3d"] },
      fresh.idToken,
    );
    expect(recorded.error).to.equal(undefined);
    type Account = { consent: Record<string, { granted: boolean }> };
    const me = (await invoke("me_call", {}, fresh.idToken)).result as Account;
    expect(me.consent.avatar_3d.granted).to.equal(true);
    expect(me.consent.heygen_face.granted).to.equal(false);
    const unknown = await invoke("withdraw_consent_call", { purpose: "tattoos" }, fresh.idToken);
    expect(unknown.error?.details?.error).to.equal("INVALID_REQUEST");
    const withdrawn = await invoke(
      "withdraw_consent_call",
      { purpose: "avatar_3d" },
      fresh.idToken,
    );
    expect(withdrawn.result).to.include({ purpose: "avatar_3d" });
    expect(withdrawn.result).to.have.property("removed");
    const after = (await invoke("me_call", {}, fresh.idToken)).result as Account;
    expect(after.consent.avatar_3d.granted).to.equal(false);
  });

  it("export_data_call returns the caller's data; delete_account_call erases the account", async () => {
    const leaving = await createUser();
    await invoke(
      "record_consent_call",
      { policyVersion: POLICY_VERSION, ageConfirmed: true, purposes: ["heygen_face"] },
      leaving.idToken,
    );
    const exported = (await invoke("export_data_call", {}, leaving.idToken)).result as {
      uid: string;
      consentLog: unknown[];
    };
    expect(exported.uid).to.equal(leaving.uid);
    expect(exported.consentLog).to.have.length.greaterThan(0);
    expect(
      (await invoke("export_data_call", { all: true }, leaving.idToken)).error?.details?.error,
    ).to.equal("INVALID_REQUEST");

    const erased = await invoke("delete_account_call", {}, leaving.idToken);
    expect(erased.error, JSON.stringify(erased.error)).to.equal(undefined);
    expect((erased.result as { erasureId: string }).erasureId).to.be.a("string");
    expect((await db().doc(`users/${leaving.uid}`).get()).exists).to.equal(false);
    const gone = await adminAuth()
      .getUser(leaving.uid)
      .then(
        () => "still there",
        (e: { code?: string }) => e.code,
      );
    expect(gone).to.equal("auth/user-not-found");
  });
});

describe("create_avatar_job_call: the selfie in base64, with the multipart route's rules", function () {
  this.timeout(60000);
  useStack({ servers: ["storage"], provider: "avatar-sdk" });

  const selfie = async (bytes?: Buffer) => ({
    data: (bytes ?? readFileSync(await photoJpeg())).toString("base64"),
    contentType: "image/jpeg",
    filename: "selfie.jpg",
  });

  it("refuses without avatar_3d consent before reading the selfie: CONSENT_REQUIRED", async () => {
    const user = await createUser();
    const reply = await invoke("create_avatar_job_call", { file: await selfie() }, user.idToken);
    expect(reply.error?.details?.error).to.equal("CONSENT_REQUIRED");
    expect(reply.error?.details?.details).to.deep.include({ missing: ["avatar_3d"] });
  });

  it("queues a job, refuses a selfie over 10 MB (PAYLOAD_TOO_LARGE) and bytes that are no photo (UNSUPPORTED_MEDIA)", async () => {
    const user = await createUser();
    await invoke(
      "record_consent_call",
      { policyVersion: POLICY_VERSION, ageConfirmed: true, purposes: ["avatar_3d"] },
      user.idToken,
    );
    const queued = await invoke("create_avatar_job_call", { file: await selfie() }, user.idToken);
    expect(queued.error, JSON.stringify(queued.error)).to.equal(undefined);
    const { jobId } = queued.result as { jobId: string };
    expect((await db().doc(`avatar_jobs/${jobId}`).get()).get("user_id")).to.equal(user.uid);

    const big = Buffer.alloc(11 * 1024 * 1024, 1);
    readFileSync(await photoJpeg()).copy(big);
    const tooBig = await invoke(
      "create_avatar_job_call",
      { file: await selfie(big) },
      user.idToken,
    );
    expect(tooBig.error?.details?.error).to.equal("PAYLOAD_TOO_LARGE");
    const text = await selfie(Buffer.from("not a photo at all"));
    const notPhoto = await invoke("create_avatar_job_call", { file: text }, user.idToken);
    expect(notPhoto.error?.details?.error).to.equal("UNSUPPORTED_MEDIA");
    const notBase64 = await invoke(
      "create_avatar_job_call",
      { file: { data: "%%% not base64 %%%" } },
      user.idToken,
    );
    expect(notBase64.error?.details?.error).to.equal("INVALID_REQUEST");
  });

  it("carries Retry-After as retryAfterSeconds when a quota refuses (QUOTA_EXCEEDED)", async () => {
    const user = await createUser();
    await invoke(
      "record_consent_call",
      { policyVersion: POLICY_VERSION, ageConfirmed: true, purposes: ["avatar_3d"] },
      user.idToken,
    );
    // QUOTA_PENDING_AVATAR_JOBS_PER_USER is 2: the third job while two are pending is refused.
    let refused: CallableReply | undefined;
    for (let i = 0; i < 3 && !refused; i++) {
      const file = await selfie();
      const reply = await retriedOnContention(
        () => invoke("create_avatar_job_call", { file }, user.idToken),
        (r) => r.error?.details?.error === "RATE_LIMITED",
      );
      if (reply.error) refused = reply;
    }
    expect(refused?.error?.details?.error).to.equal("QUOTA_EXCEEDED");
    expect(refused?.error?.details?.retryAfterSeconds).to.be.a("number").above(0);
  });
});

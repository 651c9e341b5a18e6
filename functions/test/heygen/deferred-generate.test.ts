/**
 * A fast first generate: when the new photo look is not ready within
 * HEYGEN_LOOK_WAIT_SECONDS, generate answers `preparing` (202 over HTTP) and the video
 * is created in the background: on_project_updated (run by the functions emulator)
 * resumes it, the poller takes over a deferred generate nobody ran. Before this,
 * generate held the request until the look was ready (30–90 s at HeyGen).
 */
import { expect } from "chai";
import { randomUUID } from "node:crypto";
import { generateVideo } from "../../src/services/heygen/generate-video";
import {
  DEFERRED_DEADLINE_MS,
  resumeGenerate,
  resumeStalledGenerates,
} from "../../src/services/heygen/resume-generate";
import { generateBody } from "../../src/handlers/heygen-schemas";
import type { GenerateInput } from "../../src/services/heygen/generate-steps";
import { db } from "../helpers/admin";
import { testContext } from "../helpers/context";
import { waitForDoc } from "../helpers/firestore";
import { generationRun, leaseUntil, projectWithVoice } from "../helpers/projects";
import { grantConsentToUid } from "../helpers/consent";
import { heygenSim, TEST_HEYGEN_TIMINGS } from "../helpers/servers";
import { callFunction } from "../helpers/http";
import { createUser } from "../helpers/auth";
import { writeWithdrawal } from "../../src/store/consent";
import { simVideoIdsOf } from "../helpers/sim-videos";
import { useStack } from "../helpers/use-stack";
import { videosUsedToday } from "../helpers/quotas";

const parseRequest = (raw: unknown): GenerateInput => generateBody.parse(raw);
const today = () => new Date().toISOString().slice(0, 10);

const states = (data: FirebaseFirestore.DocumentData | undefined, machine = "generation") =>
  ((data?.[machine]?.history ?? []) as { state: string }[]).map((h) => h.state);

/**
 * A project as generate leaves it when it defers, written by create (not update), so
 * on_project_updated does not run it: the test runs the background half itself.
 */
async function deferredProject(
  uid: string,
  fields: { at?: number; resumeAt?: number; state?: "preparing" | "submitting" } = {},
): Promise<string> {
  const projectId = await projectWithVoice(uid, 41, "deferred");
  const ref = db().doc(`projects/${projectId}`);
  const data = (await ref.get()).data();
  await ref.delete();
  const now = Date.now();
  await ref.create({
    ...data,
    generation: generationRun(fields.state ?? "preparing", {
      // A background run's claim whose worker died (its lease expired a minute ago).
      lease:
        fields.state === "submitting" ? leaseUntil("dead-worker", new Date(now - 60000)) : null,
      nextAttemptAt: new Date(fields.resumeAt ?? now + 120000),
      deferred: { request: { projectId }, quotaWindow: today(), at: new Date(fields.at ?? now) },
    }),
  });
  await db()
    .doc(`users/${uid}/counters/heygen_videos_day`)
    .set({ window: today(), count: 1, updatedAt: new Date() });
  return projectId;
}

describe("generate: a look not ready at once is finished in the background (202 preparing)", function () {
  this.timeout(90000);
  useStack({
    servers: ["storage", "heygen"],
    fresh: { firestore: true, heygen: { timings: { lookReadyMs: 4000 } } },
    cleanAfter: { heygen: true },
  });

  it("answers preparing within the wait; on_project_updated creates the one video; the quota stays spent", async () => {
    const uid = `dfr-${randomUUID().slice(0, 6)}`;
    await grantConsentToUid(uid, ["heygen_face", "heygen_voice"]);
    const projectId = await projectWithVoice(uid, 42, "deferred");
    const app = testContext({ lookWaitSeconds: 1 });

    const started = Date.now();
    const answer = await generateVideo(app, uid, { projectId });
    expect(Date.now() - started, "generate did not wait for the look").to.be.lessThan(3500);
    expect(answer).to.include({ status: "preparing", projectId, videoId: null });

    const ref = db().doc(`projects/${projectId}`);
    // What a person sees while HeyGen prepares the look, written by the deferral.
    expect((await ref.get()).get("step")).to.equal("preparing");
    // Asked again while preparing: the same answer, no second video reserved.
    const again = await generateVideo(app, uid, { projectId });
    expect(again).to.include({ status: "preparing", videoId: null });
    expect(await videosUsedToday(uid)).to.equal(1);

    // The functions emulator runs on_project_updated, which finishes it.
    const done = await waitForDoc(
      ref,
      (d) => d?.generation?.state === "submitted" && typeof d?.heygenVideoId === "string",
      30000,
    );
    expect(simVideoIdsOf(projectId)).to.deep.equal([done?.heygenVideoId]);
    expect(done?.heygenStatus).to.equal("pending");
    expect(done?.step).to.equal("rendering");
    expect(done?.generation?.deferred ?? null, "the stored request is gone").to.equal(null);
    expect(states(done)).to.deep.equal(["submitting", "preparing", "submitting", "submitted"]);
    expect(await videosUsedToday(uid), "the deferred video is still counted once").to.equal(1);
  });

  it("over HTTP: 202 with the preparing body, then the project gets its video", async () => {
    heygenSim().setTimings({ ...TEST_HEYGEN_TIMINGS, lookReadyMs: 11000 });
    const user = await createUser();
    await grantConsentToUid(user.uid, ["heygen_face", "heygen_voice"]);
    const projectId = await projectWithVoice(user.uid, 43, "deferred-http");
    const res = await callFunction<{ status: string; videoId: null; message: string }>(
      "generate",
      "/api/heygen/generate",
      { method: "POST", token: user.idToken, body: { projectId } },
    );
    expect(res.status).to.equal(202);
    expect(res.body).to.include({ status: "preparing", projectId, videoId: null });
    expect(res.body.message).to.match(/preparing your photo avatar/);
    const done = await waitForDoc(
      db().doc(`projects/${projectId}`),
      (d) => typeof d?.heygenVideoId === "string",
      40000,
    );
    expect(simVideoIdsOf(projectId)).to.deep.equal([done?.heygenVideoId]);
  });

  it("a second delivery of the background run does nothing (one claim, one video)", async () => {
    heygenSim().setTimings(TEST_HEYGEN_TIMINGS);
    const uid = `dfr-${randomUUID().slice(0, 6)}`;
    await grantConsentToUid(uid, ["heygen_face", "heygen_voice"]);
    const projectId = await deferredProject(uid);
    const app = testContext();
    const opts = { lookWaitMs: 20000, parseRequest };
    const outcomes = await Promise.all([
      resumeGenerate(app, projectId, opts),
      resumeGenerate(app, projectId, opts),
    ]);
    expect(outcomes.sort()).to.deep.equal(["not-deferred", "submitted"]);
    expect(simVideoIdsOf(projectId)).to.have.length(1);
    expect(await videosUsedToday(uid)).to.equal(1);
  });

  it("consent withdrawn meanwhile: nothing is sent, the project fails with the reason, the video goes back to the quota", async () => {
    const uid = `dfr-${randomUUID().slice(0, 6)}`; // never consented
    const projectId = await deferredProject(uid);
    const outcome = await resumeGenerate(testContext(), projectId, {
      lookWaitMs: 1000,
      parseRequest,
    });
    expect(outcome).to.equal("failed");
    const p = (await db().doc(`projects/${projectId}`).get()).data();
    expect(p?.generation?.state).to.equal("failed");
    expect(p?.error?.code).to.equal("CONSENT_REQUIRED");
    expect(heygenSim().calls, "no HeyGen call").to.have.length(0);
    expect(await videosUsedToday(uid)).to.equal(0);
  });

  it("past its deadline the deferred generate fails with a clear error and gives the video back", async () => {
    const uid = `dfr-${randomUUID().slice(0, 6)}`;
    await grantConsentToUid(uid, ["heygen_face", "heygen_voice"]);
    const projectId = await deferredProject(uid, { at: Date.now() - DEFERRED_DEADLINE_MS - 1000 });
    const outcome = await resumeGenerate(testContext(), projectId, {
      lookWaitMs: 1000,
      parseRequest,
    });
    expect(outcome).to.equal("failed");
    const p = (await db().doc(`projects/${projectId}`).get()).data();
    expect(p?.error).to.include({ code: "UPSTREAM_ERROR" });
    expect(p?.error?.message).to.match(
      /did not finish preparing your photo avatar within 30 minutes/,
    );
    expect(await videosUsedToday(uid)).to.equal(0);
  });

  it("the poller takes over a deferred generate nobody ran, and leaves a fresh one to its trigger", async () => {
    heygenSim().setTimings(TEST_HEYGEN_TIMINGS);
    const uid = `dfr-${randomUUID().slice(0, 6)}`;
    await grantConsentToUid(uid, ["heygen_face", "heygen_voice"]);
    const stalled = await deferredProject(uid, { resumeAt: Date.now() - 1000 });
    const fresh = await deferredProject(uid, { resumeAt: Date.now() + 120000 });
    const counts = await resumeStalledGenerates(testContext(), parseRequest, { budgetMs: 300000 });
    expect(counts).to.include({ submitted: 1, failed: 0 });
    const [s, f] = await Promise.all(
      [stalled, fresh].map(async (id) => (await db().doc(`projects/${id}`).get()).data()),
    );
    expect(s?.generation?.state).to.equal("submitted");
    expect(simVideoIdsOf(stalled)).to.have.length(1);
    expect(f?.generation?.state).to.equal("preparing");
    expect(simVideoIdsOf(fresh)).to.have.length(0);
  });

  it("consent withdrawn while the background run waits for the look: no audio, no video, the quota given back", async () => {
    heygenSim().setTimings({ ...TEST_HEYGEN_TIMINGS, lookReadyMs: 2500 });
    const uid = `dfr-${randomUUID().slice(0, 6)}`;
    await grantConsentToUid(uid, ["heygen_face", "heygen_voice"]);
    const projectId = await deferredProject(uid);
    const app = testContext();
    // The user withdraws the voice consent while the run's look request is at HeyGen
    // (held there until then: ordered, not guessed with a sleep).
    const look = heygenSim().hold("^/v3/avatars$", "POST");
    const run = resumeGenerate(app, projectId, { lookWaitMs: 20000, parseRequest });
    await look.reached;
    await writeWithdrawal(db(), uid, "heygen_voice", new Date());
    look.release();
    expect(await run).to.equal("failed");
    const p = (await db().doc(`projects/${projectId}`).get()).data();
    expect(p?.error?.code).to.equal("CONSENT_REQUIRED");
    const sent = heygenSim().calls.map((c) => `${c.method} ${c.path}`);
    expect(
      sent.filter((c) => c === "POST /v3/videos"),
      "no video created",
    ).to.deep.equal([]);
    expect(
      sent.filter((c) => c === "POST /v3/assets"),
      "only the photo went",
    ).to.have.length(1);
    expect(await videosUsedToday(uid)).to.equal(0);
  });

  it("generate on a deferred project answers preparing without reserving: at the daily limit, and when its background worker died", async () => {
    const uid = `dfr-${randomUUID().slice(0, 6)}`;
    await grantConsentToUid(uid, ["heygen_face", "heygen_voice"]);
    const app = testContext({ quotas: { videosPerUserPerDay: 1 } });
    for (const state of ["preparing", "submitting"] as const) {
      const projectId = await deferredProject(uid, { state });
      const answer = await generateVideo(app, uid, { projectId });
      expect(answer, state).to.include({ status: "preparing", videoId: null });
      const g = (await db().doc(`projects/${projectId}`).get()).get("generation") as {
        state: string;
      };
      expect(g.state, "the background run's claim is left to its take-over").to.equal(state);
      expect(await videosUsedToday(uid), "the deferred video counted once").to.equal(1);
    }
  });
});

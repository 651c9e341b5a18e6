/**
 * Quotas and rate limits, counted in Firestore transactions: 429 with Retry-After,
 * no upstream call, nothing half-written; a generate that never reached HeyGen gives
 * its quota back.
 */
import { expect } from "chai";
import { randomUUID } from "node:crypto";
import type { Timestamp } from "firebase-admin/firestore";
import { callFunction } from "../helpers/http";
import type { TestUser } from "../helpers/auth";
import { db } from "../helpers/admin";
import { bucket, uploadFile } from "../helpers/storage";
import { testContext } from "../helpers/context";
import { consentingUser, grantConsentToUid } from "../helpers/consent";
import { heygenSim } from "../helpers/servers";
import { photoJpeg, voiceWebm } from "../fixtures/media";
import { generateVideo } from "../../src/services/heygen/generate-video";
import { refreshVideoStatus } from "../../src/services/heygen/video-status";
import { ApiError } from "../../src/errors";
import type { Clock } from "../../src/context";
import { postSelfie } from "../helpers/avatar";
import { useStack } from "../helpers/use-stack";
import { lostToContention, retriedOnContention } from "../helpers/quotas";

async function voiceProject(uid: string, voice?: string): Promise<string> {
  const id = `p-${randomUUID().slice(0, 8)}`;
  await db()
    .doc(`projects/${id}`)
    .set({
      userId: uid,
      name: "quota",
      voiceUrl:
        voice ?? (await uploadFile(await voiceWebm(), `users/${uid}/${id}.webm`, "audio/webm")),
    });
  return id;
}

const generate = (user: TestUser, projectId: string) =>
  callFunction<{ videoId?: string; error?: string; details?: { scope: string } }>(
    "generate",
    "/api/heygen/generate",
    { method: "POST", token: user.idToken, body: { projectId } },
  );

const videoCreates = () =>
  heygenSim().calls.filter((c) => c.method === "POST" && c.path === "/v3/videos").length;

const counter = async (path: string) => (await db().doc(path).get()).get("count") as number;

describe("quotas and rate limits", function () {
  this.timeout(120000);
  useStack({
    servers: ["storage", "heygen"],
    provider: "avatar-sdk",
    fresh: { firestore: true, heygen: true, provider: true },
  });

  it("10 concurrent generates against a quota of 5 a day: exactly 5 accepted, 5 refused with 429 QUOTA_EXCEEDED and Retry-After, untouched", async () => {
    const user = await consentingUser(["heygen_voice"]);
    const projects = await Promise.all(Array.from({ length: 10 }, () => voiceProject(user.uid)));
    const results = await Promise.all(
      projects.map((p) => retriedOnContention(() => generate(user, p), lostToContention)),
    );
    const accepted = results.filter((r) => r.status === 200);
    const refused = results.filter((r) => r.status === 429);
    expect(accepted, JSON.stringify(results.map((r) => r.body))).to.have.length(5);
    expect(refused).to.have.length(5);
    for (const r of refused) {
      expect(r.body.error).to.equal("QUOTA_EXCEEDED");
      expect(r.body.details?.scope).to.equal("user");
      expect(Number(r.headers.get("retry-after"))).to.be.within(1, 86400);
    }
    expect(videoCreates()).to.equal(5);
    expect(await counter(`users/${user.uid}/counters/heygen_videos_day`)).to.equal(5);
    // The refused projects were not claimed or marked.
    const untouched = await Promise.all(
      projects.map(async (p) => (await db().doc(`projects/${p}`).get()).data()),
    );
    expect(untouched.filter((p) => p?.generation === undefined)).to.have.length(5);
  });

  it("a generate that never reached HeyGen gives its quota back; an in-flight video returned again costs nothing", async () => {
    const user = await consentingUser(["heygen_voice"]);
    // A "voice" that is really a photo: refused (415) before any HeyGen call.
    const notAudio = await uploadFile(
      await photoJpeg(),
      `users/${user.uid}/fake.webm`,
      "audio/webm",
    );
    const bad = await generate(user, await voiceProject(user.uid, notAudio));
    expect(bad.status).to.equal(415);
    expect(await counter(`users/${user.uid}/counters/heygen_videos_day`)).to.equal(0);
    expect(await counter("quota_counters/heygen_videos_day")).to.equal(0);

    const projectId = await voiceProject(user.uid);
    const first = await generate(user, projectId);
    const again = await generate(user, projectId);
    expect(again.body.videoId).to.equal(first.body.videoId);
    expect(await counter(`users/${user.uid}/counters/heygen_videos_day`)).to.equal(1);
    expect(await counter("quota_counters/heygen_videos_day")).to.equal(1);
  });

  it("the project-wide HeyGen budget holds across users", async () => {
    const app = testContext({ quotas: { heygenVideosPerDay: 3 } });
    const uids = Array.from({ length: 4 }, () => `q-${randomUUID().slice(0, 6)}`);
    for (const uid of uids) await grantConsentToUid(uid, ["heygen_voice"]);
    const projects = await Promise.all(uids.map((uid) => voiceProject(uid)));
    const outcomes = await Promise.all(
      uids.map((uid, i) =>
        retriedOnContention(
          () =>
            generateVideo(app, uid, { projectId: projects[i] }).then(
              () => "ok",
              (e: unknown) => e,
            ),
          (o) => o instanceof ApiError && o.code === "RATE_LIMITED",
        ),
      ),
    );
    expect(outcomes.filter((o) => o === "ok")).to.have.length(3);
    const refused = outcomes.find((o) => o !== "ok") as ApiError;
    expect(refused).to.be.instanceOf(ApiError);
    expect(refused.code).to.equal("QUOTA_EXCEEDED");
    expect(refused.details).to.include({ scope: "project", limit: 3 });
    expect(Number(refused.headers["Retry-After"])).to.be.greaterThan(0);
    expect(videoCreates()).to.equal(3);
  });

  it("3D jobs: at most 2 pending at once (concurrent posts), 5 a day; a refused post stores no selfie and creates no job", async () => {
    const user = await consentingUser(["avatar_3d"]);
    const post = () => retriedOnContention(() => postSelfie(user), lostToContention);
    const first = await Promise.all([post(), post(), post()]);
    expect(first.map((r) => r.status).sort()).to.deep.equal([202, 202, 429]);
    const refused = first.find((r) => r.status === 429);
    expect(refused?.body).to.deep.include({ error: "QUOTA_EXCEEDED" });
    expect(refused?.body.details).to.deep.include({ scope: "pending" });
    expect(Number(refused?.retryAfter)).to.be.greaterThan(0);
    const jobs = await db().collection("avatar_jobs").where("user_id", "==", user.uid).get();
    expect(jobs.size).to.equal(2);
    const [selfies] = await bucket().getFiles({ prefix: `selfies/${user.uid}/` });
    expect(selfies).to.have.length(2);

    // Finish them (as the sweep would), then use up the day.
    const finish = async () => {
      const open = await db()
        .collection("avatar_jobs")
        .where("user_id", "==", user.uid)
        .where("status", "in", ["queued", "processing"])
        .get();
      const done = { status: "done", "job.state": "done" };
      await Promise.all(open.docs.map((d) => d.ref.update(done)));
    };
    await finish();
    for (let i = 0; i < 3; i++) {
      expect((await postSelfie(user)).status).to.equal(202);
      await finish();
    }
    const sixth = await postSelfie(user);
    expect(sixth.status).to.equal(429);
    expect(sixth.body.details).to.deep.include({ scope: "user" });
    expect(Number(sixth.retryAfter)).to.be.greaterThan(0);
    expect(
      (await db().collection("avatar_jobs").where("user_id", "==", user.uid).get()).size,
    ).to.equal(5);
  });

  it("video_status: answered from the stored project while fresh; past the per-minute limit, 429 RATE_LIMITED without a HeyGen call", async () => {
    const user = await consentingUser(["heygen_voice"]);
    const projectId = await voiceProject(user.uid);
    const { body } = await generate(user, projectId);
    const videoId = body.videoId as string;
    const reads = () => heygenSim().calls.filter((c) => c.path === `/v3/videos/${videoId}`).length;
    const status = await callFunction<{ status: string }>(
      "video_status",
      `/api/heygen/video_status.get?video_id=${videoId}`,
      { token: user.idToken },
    );
    expect(status.status).to.equal(200);
    expect(reads()).to.equal(1);
    const checkedAt = (
      (await db().doc(`projects/${projectId}`).get()).get("video.checkedAt") as Timestamp
    ).toMillis();

    // Freshness and the minute's count are read on clocks set from that HeyGen read, not
    // on the wall clock: a slow run can neither age the answer nor roll the minute over.
    const at = (ms: number): Clock => ({ now: () => new Date(ms) });
    const fresh = testContext({
      clock: at(checkedAt + 1000),
      quotas: { videoStatusFreshSeconds: 2 },
    });
    await refreshVideoStatus(fresh, user.uid, videoId);
    expect(reads()).to.equal(1); // fresh: no HeyGen call

    const minuteLater = checkedAt + 60000;
    const app = testContext({
      clock: at(minuteLater),
      quotas: { videoStatusPerUserPerMinute: 3, videoStatusFreshSeconds: 0 },
    });
    for (let i = 0; i < 3; i++) await refreshVideoStatus(app, user.uid, videoId);
    const limited = await refreshVideoStatus(app, user.uid, videoId).catch((e: unknown) => e);
    expect(limited).to.be.instanceOf(ApiError);
    expect((limited as ApiError).code).to.equal("RATE_LIMITED");
    expect((limited as ApiError).status).to.equal(429);
    expect((limited as ApiError).headers["Retry-After"]).to.equal(
      String(Math.max(1, Math.ceil((60000 - (minuteLater % 60000)) / 1000))),
    );
    expect(reads()).to.equal(4);
  });
});

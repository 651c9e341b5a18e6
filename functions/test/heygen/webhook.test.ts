import { expect } from "chai";
import { functionUrl } from "../helpers/env";
import { createUser } from "../helpers/auth";
import { clearFirestore } from "../helpers/firestore";
import { startVideo, waitForRender } from "../helpers/videos";
import { db } from "../helpers/admin";
import { heygenSim, TEST_HEYGEN_TIMINGS } from "../setup";
import { signBody } from "../../src/services/heygen/webhook";
import { SIMULATED_SECRETS } from "../../devtools/stack-env";

const SECRET = SIMULATED_SECRETS.HEYGEN_WEBHOOK_SECRET;

async function deliver(body: unknown, headers: Record<string, string> = {}, sign = true) {
  const raw = typeof body === "string" ? body : JSON.stringify(body);
  const res = await fetch(functionUrl("heygen_webhook", "/api/heygen/webhook"), {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      ...(sign ? { signature: signBody(raw, SECRET) } : {}),
      ...headers,
    },
    body: raw,
  });
  return {
    status: res.status,
    body: (await res.json().catch(() => null)) as Record<string, unknown> | null,
  };
}

describe("heygen_webhook (POST /api/heygen/webhook)", function () {
  this.timeout(60000);
  beforeEach(async () => {
    await clearFirestore();
    heygenSim().reset();
    heygenSim().setTimings(TEST_HEYGEN_TIMINGS);
  });

  it("answers OPTIONS with 200 (HeyGen's URL validation)", async () => {
    const res = await fetch(functionUrl("heygen_webhook", "/api/heygen/webhook"), {
      method: "OPTIONS",
    });
    expect(res.status).to.equal(200);
  });

  it("rejects a missing or wrong signature with 401 and changes nothing", async () => {
    const { projectId, videoId } = await startVideo(await createUser());
    const event = {
      event_type: "avatar_video.success",
      event_data: { video_id: videoId, callback_id: projectId, url: "x" },
    };
    expect((await deliver(event, {}, false)).status).to.equal(401);
    expect(
      (await deliver(event, { signature: signBody(JSON.stringify(event), "other-secret") }, false))
        .status,
    ).to.equal(401);
    // Same JSON, re-serialised differently: the signature covers the raw bytes.
    const spaced = JSON.stringify(event, null, 2);
    expect(
      (await deliver(spaced, { signature: signBody(JSON.stringify(event), SECRET) }, false)).status,
    ).to.equal(401);
    const project = (await db().doc(`projects/${projectId}`).get()).data();
    expect(project?.heygenStatus).to.equal("pending");
  });

  it("accepts the v3 header name and refuses a stale Heygen-Timestamp", async () => {
    const raw = JSON.stringify({ event_type: "avatar_video_gif.success", event_data: {} });
    const fresh = await deliver(
      raw,
      {
        "Heygen-Signature": signBody(raw, SECRET),
        "Heygen-Timestamp": String(Math.floor(Date.now() / 1000)),
      },
      false,
    );
    expect(fresh.status).to.equal(200);
    const stale = await deliver(
      raw,
      {
        "Heygen-Signature": signBody(raw, SECRET),
        "Heygen-Timestamp": String(Math.floor(Date.now() / 1000) - 3600),
      },
      false,
    );
    expect(stale.status).to.equal(401);
  });

  it("completes the project at once from HeyGen's authoritative status; duplicates are harmless", async () => {
    const { projectId, videoId } = await startVideo(await createUser());
    // Let the simulator finish the render before HeyGen "calls" us.
    await waitForRender(videoId);
    const event = {
      event_type: "avatar_video.success",
      event_data: { video_id: videoId, callback_id: projectId, url: "ignored" },
    };
    const first = await deliver(event);
    expect(first.status).to.equal(200);
    expect(first.body).to.include({ handled: true, status: "completed" });
    const project = (await db().doc(`projects/${projectId}`).get()).data();
    expect(project?.heygenStatus).to.equal("completed");
    expect(project?.videoUrl).to.match(/Expires=/);
    const again = await deliver(event);
    expect(again.status).to.equal(200);
    expect((await db().doc(`projects/${projectId}`).get()).get("heygenStatus")).to.equal(
      "completed",
    );
  });

  it("does not trust a success event while HeyGen still reports processing", async () => {
    const { projectId, videoId } = await startVideo(await createUser());
    const res = await deliver({
      event_type: "avatar_video.success",
      event_data: { video_id: videoId, callback_id: projectId },
    });
    expect(res.status).to.equal(200);
    expect(res.body?.status).to.not.equal("completed");
    expect((await db().doc(`projects/${projectId}`).get()).get("heygenStatus")).to.not.equal(
      "completed",
    );
  });

  it("acknowledges and ignores unknown events and events for other videos", async () => {
    const { projectId, videoId } = await startVideo(await createUser());
    const unknown = await deliver({
      event_type: "instant_avatar.success",
      event_data: { callback_id: projectId },
    });
    expect(unknown.status).to.equal(200);
    expect(unknown.body).to.include({ handled: false });
    const wrongVideo = await deliver({
      event_type: "avatar_video.fail",
      event_data: { video_id: "other", callback_id: projectId },
    });
    expect(wrongVideo.body).to.include({ handled: false });
    expect((await db().doc(`projects/${projectId}`).get()).get("heygenVideoId")).to.equal(videoId);
  });

  it("answers 502 when HeyGen cannot confirm, so HeyGen delivers again later", async () => {
    const { projectId, videoId } = await startVideo(await createUser());
    heygenSim().faults.push({ path: "^/v3/videos/", kind: "status", status: 503, times: 5 });
    const res = await deliver({
      event_type: "avatar_video.success",
      event_data: { video_id: videoId, callback_id: projectId },
    });
    expect(res.status).to.equal(502);
    expect((await db().doc(`projects/${projectId}`).get()).get("heygenStatus")).to.equal("pending");
  });
});

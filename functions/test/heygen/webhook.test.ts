import { expect } from "chai";
import { functionUrl } from "../helpers/env";
import { consentingUser } from "../helpers/consent";
import { waitForDoc } from "../helpers/firestore";
import { startVideo, waitForRender } from "../helpers/videos";
import { db } from "../helpers/admin";
import { heygenSim } from "../helpers/servers";
import { registerWebhookEndpoint } from "../../src/clients/heygen/webhooks";
import { deliverWebhook, WEBHOOK_SECRET } from "../helpers/webhook";
import { signBody } from "../../src/services/heygen/webhook";
import { deliveriesOnceRecorded } from "../../devtools/heygen-sim/delivery-log";
import { useStack } from "../helpers/use-stack";

const SECRET = WEBHOOK_SECRET;
const deliver = deliverWebhook;

/** A v3 delivery: Heygen-Signature, Heygen-Timestamp (now) and Heygen-Event-Id. */
function deliverV3(body: unknown, eventId: string) {
  const raw = JSON.stringify(body);
  return deliver(
    raw,
    {
      "Heygen-Signature": signBody(raw, SECRET),
      "Heygen-Timestamp": String(Math.floor(Date.now() / 1000)),
      "Heygen-Event-Id": eventId,
    },
    false,
  );
}

describe("heygen_webhook (POST /api/heygen/webhook)", function () {
  this.timeout(60000);
  useStack({ servers: ["storage", "heygen"], fresh: { firestore: true, heygen: true } });

  it("answers OPTIONS with 200 (HeyGen's URL validation)", async () => {
    const res = await fetch(functionUrl("heygen_webhook", "/api/heygen/webhook"), {
      method: "OPTIONS",
    });
    expect(res.status).to.equal(200);
  });

  it("rejects a missing or wrong signature with 401 and changes nothing", async () => {
    const { projectId, videoId } = await startVideo(await consentingUser());
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
    // The HMAC covers the body only: on v3 the timestamp is what bounds a replay.
    const signed = { "Heygen-Signature": signBody(raw, SECRET) };
    expect((await deliver(raw, signed, false)).status).to.equal(401);
    const odd = await deliver(raw, { ...signed, "Heygen-Timestamp": "1e3" }, false);
    expect(odd.status).to.equal(401);
    const future = String(Math.floor(Date.now() / 1000) + 3600);
    expect((await deliver(raw, { ...signed, "Heygen-Timestamp": future }, false)).status).to.equal(
      401,
    );
  });

  it("answers a redelivered event id 2xx without handling it again, even while HeyGen is down", async () => {
    const { projectId, videoId } = await startVideo(await consentingUser());
    await waitForRender(videoId);
    const event = {
      event_type: "avatar_video.success",
      event_data: { video_id: videoId, callback_id: projectId },
    };
    const first = await deliverV3(event, "evt-1");
    expect(first.status).to.equal(200);
    expect(first.body).to.include({ handled: true, status: "completed" });
    // Handling it again would need HeyGen, which now fails: a duplicate must not.
    heygenSim().faults.push({ path: "^/v3/videos/", kind: "status", status: 503, times: 20 });
    const again = await deliverV3(event, "evt-1");
    expect(again.status).to.equal(200);
    expect(again.body).to.include({ duplicate: true, handled: false });
    // Another event (its own signed event_id) is handled, and needs HeyGen.
    const second = { ...event, event_id: "body-2" };
    const other = await deliverV3(second, "evt-2");
    expect(other.status).to.equal(502);
    heygenSim().faults.length = 0;
    const stored = (await db().collection("webhook_events").where("key", "==", "evt-1").get()).docs;
    expect(stored).to.have.length(1);
    const ttlDays =
      (stored[0].get("expireAt").toMillis() - stored[0].get("received_at").toMillis()) / 86400000;
    expect(ttlDays).to.equal(3);
    // A 502 is not recorded: HeyGen's retry of evt-2 is handled.
    expect((await deliverV3(second, "evt-2")).body).to.include({ status: "completed" });
  });

  it("refuses to handle a captured signed body again under a fresh, unsigned event id header", async () => {
    const { projectId, videoId } = await startVideo(await consentingUser());
    await waitForRender(videoId);
    const legacy = {
      event_type: "avatar_video.success",
      event_data: { video_id: videoId, callback_id: projectId },
    };
    const withId = { ...legacy, event_id: "signed-evt-9" };
    expect((await deliver(legacy)).body).to.include({ handled: true, status: "completed" });
    expect((await deliverV3(withId, "hdr-1")).status).to.equal(200);
    // The archive's own read of the video is over first: nothing of this test reads
    // HeyGen in the background while it is down, or after the test.
    await waitForDoc(db().doc(`projects/${projectId}`), (d) => d?.archive?.state === "done");
    // Handling either again would read HeyGen (down now, so a 502): a replay must not get
    // that far.
    heygenSim().faults.push({
      path: `^/v3/videos/${videoId}$`,
      kind: "status",
      status: 503,
      times: 20,
    });
    for (const [body, header] of [
      [legacy, "hdr-fresh-1"], // the legacy body (signed, no timestamp) as a v3 delivery
      [withId, "hdr-fresh-2"], // the body's event_id is signed, the header is not
    ] as const) {
      const replay = await deliverV3(body, header);
      expect(replay.status, header).to.equal(200);
      expect(replay.body, header).to.include({ duplicate: true, handled: false });
    }
    // The same legacy bytes, again with only the `signature` header.
    expect((await deliver(legacy)).body).to.include({ duplicate: true });
    heygenSim().faults.length = 0;
  });

  it("answers 404 for a video HeyGen does not know (no retry) and ends the project's video", async () => {
    const { projectId, videoId } = await startVideo(await consentingUser());
    heygenSim().faults.push({ path: "^/v3/videos/", kind: "status", status: 404, times: 1 });
    const res = await deliverV3(
      {
        event_type: "avatar_video.fail",
        event_data: { video_id: videoId, callback_id: projectId },
      },
      "evt-404",
    );
    expect(res.status).to.equal(404);
    expect(res.body?.error).to.equal("NOT_FOUND");
    const project = (await db().doc(`projects/${projectId}`).get()).data();
    expect(project?.heygenStatus).to.equal("failed");
    expect(project?.error?.code).to.equal("VIDEO_NOT_FOUND");
  });

  it("completes the project at once from HeyGen's authoritative status; duplicates are harmless", async () => {
    const { projectId, videoId } = await startVideo(await consentingUser());
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
    // Legacy deliveries carry no event id: the same type for the same video is the duplicate.
    expect(again.body).to.include({ duplicate: true });
    expect((await db().doc(`projects/${projectId}`).get()).get("heygenStatus")).to.equal(
      "completed",
    );
  });

  it("does not trust a success event while HeyGen still reports processing", async () => {
    const { projectId, videoId } = await startVideo(await consentingUser());
    const res = await deliver({
      event_type: "avatar_video.success",
      event_data: { video_id: videoId, callback_id: projectId },
    });
    expect(res.status).to.equal(200);
    expect(res.body?.status).to.not.equal("completed");
    expect((await db().doc(`projects/${projectId}`).get()).get("heygenStatus")).to.not.equal(
      "completed",
    );
    // Not recorded as handled: HeyGen's redelivery, once the render is done, completes it.
    await waitForRender(videoId);
    const again = await deliver({
      event_type: "avatar_video.success",
      event_data: { video_id: videoId, callback_id: projectId },
    });
    expect(again.body).to.include({ handled: true, status: "completed" });
  });

  it("acknowledges and ignores unknown events and events for other videos", async () => {
    const { projectId, videoId } = await startVideo(await consentingUser());
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
    const { projectId, videoId } = await startVideo(await consentingUser());
    heygenSim().faults.push({ path: "^/v3/videos/", kind: "status", status: 503, times: 5 });
    const res = await deliver({
      event_type: "avatar_video.success",
      event_data: { video_id: videoId, callback_id: projectId },
    });
    expect(res.status).to.equal(502);
    expect((await db().doc(`projects/${projectId}`).get()).get("heygenStatus")).to.equal("pending");
  });
});

describe("HeyGen pushing events to the registered endpoint (simulator → heygen_webhook)", function () {
  this.timeout(60000);
  // Its last test queues a render failure for every next video: none reaches the next suite.
  useStack({
    servers: ["storage", "heygen"],
    fresh: { firestore: true, heygen: true },
    cleanAfter: { heygen: true },
  });
  let endpointId = "";
  before(async () => {
    const url = functionUrl("heygen_webhook", "/api/heygen/webhook");
    await fetch(url, { method: "OPTIONS" }); // warm: HeyGen's URL check allows one second
    ({ endpointId } = await registerWebhookEndpoint({
      apiVersion: "v3",
      apiBaseUrl: heygenSim().apiUrl,
      apiKey: heygenSim().apiKey,
      url,
    }));
  });
  after(() => heygenSim().model.webhooks.delete(endpointId));

  /** The function writes Firestore before it answers HeyGen: wait for `n` recorded answers. */
  const answeredDeliveries = (videoId: string, n = 1) =>
    deliveriesOnceRecorded(
      () => heygenSim().webhookDeliveries,
      videoId,
      (ds) => ds.length >= n,
      `waiting for ${n} recorded deliveries of video ${videoId}`,
      10000,
    );

  it("completes the project as soon as the signed success event arrives, without polling", async () => {
    const { projectId, videoId } = await startVideo(await consentingUser());
    const project = await waitForDoc(
      db().doc(`projects/${projectId}`),
      (d) => d?.heygenStatus === "completed",
    );
    expect(project?.videoUrl).to.match(/Expires=/);
    const [first] = await answeredDeliveries(videoId);
    expect(first).to.include({ eventType: "avatar_video.success", result: 200, attempt: 0 });
    // No poller runs in this suite unless a test calls it: the push alone completed it.
  });

  it("is delivered again after the function answered 502 (HeyGen could not confirm)", async () => {
    const { projectId, videoId } = await startVideo(await consentingUser());
    // Three 503s: the function's own retries (2) run out, so it answers 502 once.
    heygenSim().faults.push({ path: "^/v3/videos/", kind: "status", status: 503, times: 3 });
    await waitForDoc(db().doc(`projects/${projectId}`), (d) => d?.heygenStatus === "completed");
    const deliveries = await answeredDeliveries(videoId, 2);
    expect(deliveries.map((d) => [d.attempt, d.result])).to.deep.equal([
      [0, 502],
      [1, 200],
    ]);
  });

  it("acknowledges HeyGen's duplicate push of an event 2xx without handling it twice", async () => {
    heygenSim().webhookDispatcher.duplicates = 1;
    const { projectId, videoId } = await startVideo(await consentingUser());
    await waitForDoc(db().doc(`projects/${projectId}`), (d) => d?.heygenStatus === "completed");
    const [first, copy] = await answeredDeliveries(videoId, 2);
    expect([first?.result, copy?.result]).to.deep.equal([200, 200]);
    expect(JSON.parse(first?.answer ?? "{}")).to.include({ handled: true, status: "completed" });
    expect(JSON.parse(copy?.answer ?? "{}")).to.include({ duplicate: true, handled: false });
  });

  it("marks the project failed with HeyGen's message when the render fails", async () => {
    heygenSim().model.nextVideoFailure = { code: 40119, message: "Video is too long" };
    const { projectId, videoId } = await startVideo(await consentingUser());
    const project = await waitForDoc(
      db().doc(`projects/${projectId}`),
      (d) => d?.heygenStatus === "failed",
    );
    expect(JSON.stringify(project)).to.contain("Video is too long");
    const [first] = await answeredDeliveries(videoId);
    expect(first).to.include({ eventType: "avatar_video.fail", result: 200 });
  });
});

import { expect } from "chai";
import { callFunction } from "../helpers/http";
import type { TestUser } from "../helpers/auth";
import { consentingUser } from "../helpers/consent";
import { startVideo } from "../helpers/videos";
import { db } from "../helpers/admin";
import { heygenSim } from "../helpers/servers";
import { useStack } from "../helpers/use-stack";

interface StatusBody {
  status: string;
  videoUrl: string | null;
  videoUrlExpiresAt: string | null;
  durationSeconds: number | null;
  error: { code: string | null; message: string } | null;
}

const status = (user: TestUser, videoId: string) =>
  callFunction<StatusBody & { error?: unknown }>(
    "video_status",
    `/api/heygen/video_status.get?video_id=${encodeURIComponent(videoId)}`,
    { token: user.idToken },
  );

/** video_status, asked every 100 ms (up to 4 s) until it reports the render failed. */
async function statusOnceFailed(user: TestUser, videoId: string) {
  let res = await status(user, videoId);
  for (let i = 0; i < 40 && res.body.status !== "failed"; i++) {
    await new Promise((r) => setTimeout(r, 100));
    res = await status(user, videoId);
  }
  return res;
}

describe("video_status, avatars and voices", function () {
  this.timeout(60000);
  useStack({ servers: ["storage", "heygen"], fresh: { firestore: true, heygen: true } });

  it("follows the owner's video to completed and refreshes the project, URL expiry included", async () => {
    const user = await consentingUser();
    const { projectId, videoId } = await startVideo(user);
    let body: StatusBody | undefined;
    const seen = new Set<string>();
    for (let i = 0; i < 60; i++) {
      const res = await status(user, videoId);
      expect(res.status).to.equal(200);
      body = res.body;
      seen.add(body.status);
      if (body.status === "completed" || body.status === "failed") break;
      await new Promise((r) => setTimeout(r, 150));
    }
    expect(body?.status).to.equal("completed");
    expect([...seen]).to.include("processing");
    const expires = Number(new URL(body?.videoUrl as string).searchParams.get("Expires"));
    expect(body?.videoUrlExpiresAt).to.equal(new Date(expires * 1000).toISOString());
    const project = (await db().doc(`projects/${projectId}`).get()).data();
    expect(project?.heygenStatus).to.equal("completed");
    expect(project?.videoUrlExpiresAt.toDate().toISOString()).to.equal(body?.videoUrlExpiresAt);
    expect(project?.durationSeconds).to.be.closeTo(2, 0.5);
  });

  it("reports a failed render with HeyGen's reason", async () => {
    const user = await consentingUser();
    heygenSim().model.nextVideoFailure = { code: 40119, message: "Video is too long (> 3600.0s)" };
    const { projectId, videoId } = await startVideo(user);
    heygenSim().model.nextVideoFailure = null;
    const res = await statusOnceFailed(user, videoId);
    expect(res.body.status).to.equal("failed");
    expect(res.body.error).to.deep.equal({
      code: "40119",
      message: "Video is too long (> 3600.0s)",
    });
    const project = (await db().doc(`projects/${projectId}`).get()).data();
    expect(project?.error?.message).to.match(/too long/);
  });

  it("retry path: a failed video keeps its error until the owner generates again", async () => {
    const user = await consentingUser();
    heygenSim().model.nextVideoFailure = {
      code: "rendering_failed",
      message: "Rendering failed at 97%",
    };
    const { projectId, videoId } = await startVideo(user);
    heygenSim().model.nextVideoFailure = null;
    await statusOnceFailed(user, videoId);
    const failed = (await db().doc(`projects/${projectId}`).get()).data();
    expect(failed?.heygenStatus).to.equal("failed");
    expect(failed?.error?.message).to.equal("Rendering failed at 97%");

    const again = await callFunction<{ videoId: string }>("generate", "/api/heygen/generate", {
      method: "POST",
      token: user.idToken,
      body: { projectId },
    });
    expect(again.status).to.equal(200);
    expect(again.body.videoId).to.not.equal(videoId);
    const retried = (await db().doc(`projects/${projectId}`).get()).data();
    expect(retried).to.include({
      heygenVideoId: again.body.videoId,
      heygenStatus: "pending",
      error: null,
    });
    expect(retried?.generation?.attempts).to.equal(2);
  });

  it("answers 404 for another user's video and 400 without video_id", async () => {
    const owner = await consentingUser();
    const other = await consentingUser();
    const { videoId } = await startVideo(owner);
    const res = await status(other, videoId);
    expect(res.status).to.equal(404);
    const missing = await callFunction<{ error: string }>(
      "video_status",
      "/api/heygen/video_status.get",
      {
        token: other.idToken,
      },
    );
    expect(missing.status).to.equal(400);
    expect(missing.body.error).to.equal("INVALID_REQUEST");
  });

  for (const kind of ["avatars", "voices"] as const) {
    it(`${kind}: authenticated, cached so a second page load spends no HeyGen call`, async () => {
      const user = await consentingUser();
      expect((await callFunction(kind, `/api/heygen/${kind}`)).status).to.equal(401);
      const first = await callFunction<Record<string, unknown[]>>(kind, `/api/heygen/${kind}`, {
        token: user.idToken,
      });
      expect(first.status).to.equal(200);
      expect(first.body[kind].length).to.be.greaterThan(0);
      const calls = heygenSim().countCalls();
      expect(calls).to.be.greaterThan(0);
      const second = await callFunction<Record<string, unknown[]>>(kind, `/api/heygen/${kind}`, {
        token: user.idToken,
      });
      expect(second.headers.get("x-cache")).to.equal("HIT");
      expect(second.body[kind]).to.deep.equal(first.body[kind]);
      expect(heygenSim().countCalls()).to.equal(calls);
    });
  }

  it("voices: follows v3 pagination to the end", async () => {
    const user = await consentingUser();
    const res = await callFunction<{ voices: unknown[] }>("voices", "/api/heygen/voices", {
      token: user.idToken,
    });
    expect(res.body.voices).to.have.length(130);
    expect(heygenSim().countCalls("/v3/voices")).to.equal(2);
  });
});

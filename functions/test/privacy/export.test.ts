import { expect } from "chai";
import { randomUUID } from "node:crypto";
import { callFunction } from "../helpers/http";
import { db } from "../helpers/admin";
import { uploadFile } from "../helpers/storage";
import { consentingUser } from "../helpers/consent";
import { postJob, sweepUntilTerminal } from "../helpers/avatar";
import { photoJpeg, voiceWebm } from "../fixtures/media";
import { useStack } from "../helpers/use-stack";

interface ExportBody {
  uid: string;
  account: { consent: Record<string, { policyVersion: string }> };
  consentLog: { action: string }[];
  projects: { id: string; heygenVideoId: string }[];
  avatarJobs: { id: string; status: string }[];
  avatarAssets: { id: string }[];
  heygenLooks: unknown[];
  heygenAssets: unknown[];
  counters: { id: string; count: number }[];
  media: { path: string; url: string; expiresIn: number }[];
}

describe("data export (GET /api/me/export)", function () {
  this.timeout(90000);
  useStack({
    servers: ["storage", "heygen"],
    provider: "avatar-sdk",
    fresh: { firestore: true, heygen: true },
  });

  it("returns everything stored about the caller, with short-lived signed URLs to their media, and nothing of anyone else", async () => {
    const user = await consentingUser();
    const other = await consentingUser();
    const projectId = `p-${randomUUID().slice(0, 8)}`;
    await db()
      .doc(`projects/${projectId}`)
      .set({
        userId: user.uid,
        name: "export",
        voiceUrl: await uploadFile(await voiceWebm(), `users/${user.uid}/v.webm`, "audio/webm"),
        avatarUrl: await uploadFile(await photoJpeg(18), `users/${user.uid}/p.jpg`, "image/jpeg"),
      });
    const gen = await callFunction<{ videoId: string }>("generate", "/api/heygen/generate", {
      method: "POST",
      token: user.idToken,
      body: { projectId },
    });
    expect(gen.status).to.equal(200);
    const jobId = await postJob(user);
    await sweepUntilTerminal(jobId);
    await db().doc(`projects/p-other`).set({ userId: other.uid, name: "not mine" });

    const res = await callFunction<ExportBody>("me", "/api/me/export", { token: user.idToken });
    expect(res.status).to.equal(200);
    expect(res.headers.get("cache-control")).to.equal("private, no-store");
    const body = res.body;
    expect(body.uid).to.equal(user.uid);
    expect(Object.keys(body.account.consent).sort()).to.deep.equal([
      "avatar_3d",
      "heygen_face",
      "heygen_voice",
      "speech_timeline",
    ]);
    expect(body.consentLog.map((e) => e.action)).to.deep.equal(["grant"]);
    expect(body.projects.map((p) => p.id)).to.deep.equal([projectId]);
    expect(body.projects[0].heygenVideoId).to.equal(gen.body.videoId);
    expect(body.avatarJobs.map((j) => [j.id, j.status])).to.deep.equal([[jobId, "done"]]);
    expect(body.avatarAssets.map((a) => a.id)).to.deep.equal([jobId]);
    expect(body.heygenLooks).to.have.length(1);
    expect(body.heygenAssets).to.have.length(2);
    expect(body.counters.map((c) => c.id)).to.include("heygen_videos_day");
    const paths = body.media.map((m) => m.path).sort();
    expect(paths).to.deep.equal(
      [`avatars/${jobId}/model.glb`, `users/${user.uid}/p.jpg`, `users/${user.uid}/v.webm`].sort(),
    );
    for (const m of body.media) {
      expect(m.expiresIn).to.equal(3600);
      expect((await fetch(m.url)).status).to.equal(200);
    }
    expect(JSON.stringify(body)).to.not.contain(other.uid);
  });
});

/**
 * The in-flight claim of `generate`, with two requests that really overlap: the
 * simulator holds the first one in its audio upload (after its claim, before it has
 * a video id), the second one arrives and makes its claim, and only then is the
 * first let through. Without the claim's `in-progress` answer the second request
 * uploads and creates on its own: two paid renders on v2, two uploads on v3.
 */
import { expect } from "chai";
import { randomUUID } from "node:crypto";
import { generateVideo } from "../../src/services/heygen/generate-video";
import { db } from "../helpers/admin";
import { testContext } from "../helpers/context";
import { projectWithVoice } from "../helpers/projects";
import { signalTransactionOn } from "../helpers/transaction-signal";
import { grantConsentToUid } from "../helpers/consent";
import { heygenSim } from "../helpers/servers";
import { useStack } from "../helpers/use-stack";

const FALLBACK = "Daisy-inskirt-20220818";

/** Upload and create endpoints of each API version (no photo: the only upload is the voice). */
const ENDPOINTS = {
  v3: { upload: "/v3/assets", create: "/v3/videos" },
  v2: { upload: "/v1/asset", create: "/v2/video/generate" },
} as const;

describe("generate: a second request while the first is held upstream (real overlap)", function () {
  this.timeout(60000);
  useStack({
    servers: ["storage", "heygen"],
    fresh: { firestore: true, heygen: true },
    cleanAfter: { heygen: true },
  });

  for (const version of ["v3", "v2"] as const) {
    it(`${version}: the second generate, claimed while the first is held in its audio upload, returns the same video; one upload and one video upstream`, async () => {
      const sim = heygenSim();
      const { upload, create } = ENDPOINTS[version];
      const uid = `ov-${randomUUID().slice(0, 6)}`;
      await grantConsentToUid(uid, ["heygen_voice"]);
      const projectId = await projectWithVoice(uid, null, "overlap");
      const app = testContext({ apiVersion: version, fallback: FALLBACK });

      const held = sim.hold(`^${upload}$`, "POST");
      const first = generateVideo(app, uid, { projectId });
      await held.reached;

      let secondClaimed!: () => void;
      const claimMade = new Promise<void>((r) => (secondClaimed = r));
      const second = generateVideo(
        { ...app, db: signalTransactionOn(app.db, `projects/${projectId}`, secondClaimed) },
        uid,
        { projectId },
      );
      await claimMade;
      held.release();

      const [a, b] = await Promise.all([first, second]);
      expect(b.videoId).to.equal(a.videoId);
      const calls = (path: string) =>
        sim.calls.filter((c) => c.path === path && c.method === "POST");
      expect(calls(upload), "audio uploads").to.have.length(1);
      expect(calls(create), "video creates").to.have.length(1);
      const videos = [...sim.model.videos.values()].filter((v) => v.callbackId === projectId);
      expect(videos.map((v) => v.id)).to.deep.equal([a.videoId]);
      const project = (await db().doc(`projects/${projectId}`).get()).data();
      expect(project).to.deep.include({ heygenVideoId: a.videoId, step: "rendering" });
      expect(project?.video).to.include({ state: "pending", apiVersion: version });
      expect(project?.generation).to.include({ state: "submitted", attempts: 1, lease: null });
    });
  }
});

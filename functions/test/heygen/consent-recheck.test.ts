/**
 * Consent withdrawn while a generate runs: the simulator holds one upstream call of the
 * flow (the look creation, the audio upload), the test withdraws the consent that call
 * depends on, then lets it through. The generate must not go on to the video: it
 * answers 403, deletes at HeyGen what it uploaded after the withdrawal, creates no
 * video and gives the reserved video back.
 */
import { expect } from "chai";
import { randomUUID } from "node:crypto";
import { generateVideo } from "../../src/services/heygen/generate-video";
import { withdrawConsent } from "../../src/services/consent/withdraw-consent";
import { ApiError } from "../../src/errors";
import { db } from "../helpers/admin";
import { testContext } from "../helpers/context";
import { projectWithVoice } from "../helpers/projects";
import { grantConsentToUid } from "../helpers/consent";
import { heygenSim } from "../helpers/servers";
import { useStack } from "../helpers/use-stack";
import { videosUsedToday } from "../helpers/quotas";

const FALLBACK = "Daisy-inskirt-20220818";

describe("generate: consent withdrawn while it runs", function () {
  this.timeout(60000);
  useStack({
    servers: ["storage", "heygen"],
    fresh: { firestore: true, heygen: true },
    cleanAfter: { heygen: true },
  });

  const cases = [
    { purpose: "heygen_voice", held: "^/v3/assets$", photo: null },
    { purpose: "heygen_face", held: "^/v3/avatars$", photo: 1 },
  ] as const;

  for (const c of cases) {
    it(`${c.purpose} withdrawn during the held ${c.held}: 403, nothing left at HeyGen, no video, quota back`, async () => {
      const sim = heygenSim();
      const uid = `cr-${randomUUID().slice(0, 6)}`;
      await grantConsentToUid(uid, ["heygen_voice", "heygen_face"]);
      const projectId = await projectWithVoice(uid, c.photo, "recheck");
      const app = testContext({ apiVersion: "v3", fallback: FALLBACK });

      // The simulator keeps assets and looks of earlier suites: only this run's count.
      const assetsBefore = new Set(sim.model.assets.keys());
      const looksBefore = new Set(sim.model.looks.keys());
      const held = sim.hold(c.held, "POST");
      const running = generateVideo(app, uid, { projectId }).then(
        () => null,
        (err: unknown) => err,
      );
      await held.reached;
      await withdrawConsent(app, uid, c.purpose);
      held.release();
      const err = await running;

      expect(err, "generate is refused").to.be.instanceOf(ApiError);
      expect((err as ApiError).code).to.equal("CONSENT_REQUIRED");
      const creates = sim.calls.filter((x) => x.path === "/v3/videos" && x.method === "POST");
      expect(creates, "no video is created").to.have.length(0);
      expect(
        [...sim.model.videos.values()].filter((v) => v.callbackId === projectId),
      ).to.deep.equal([]);
      if (c.purpose === "heygen_voice") {
        const left = [...sim.model.assets.keys()].filter((k) => !assetsBefore.has(k));
        expect(left, "the uploaded audio is deleted").to.deep.equal([]);
      } else {
        const left = [...sim.model.looks.keys()].filter((k) => !looksBefore.has(k));
        expect(left, "the look created is deleted").to.deep.equal([]);
      }
      expect(await videosUsedToday(uid), "the reserved video is given back").to.equal(0);
      const project = (await db().doc(`projects/${projectId}`).get()).data();
      expect(project?.heygenVideoId ?? null).to.equal(null);
    });
  }
});

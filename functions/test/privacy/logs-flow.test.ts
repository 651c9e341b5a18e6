/**
 * Logs carry no personal data across a whole flow run in this process against the
 * emulators and the HeyGen simulator: a video from the user's photo and voice (v2:
 * folder, group and look, audio upload, create), its completion and retention, then
 * the account's erasure. Every line the functions' logger writes is read back: the
 * uid and the e-mail address never appear; the user appears as the pseudonym.
 */
import { expect } from "chai";
import { consentingUser } from "../helpers/consent";
import { testContext } from "../helpers/context";
import { projectWithVoice } from "../helpers/projects";
import { waitForRender, submitted } from "../helpers/videos";
import { captureLogs } from "../helpers/log-capture";
import { logUserId } from "../../src/logs";
import { generateVideo } from "../../src/services/heygen/generate-video";
import { refreshVideoStatus } from "../../src/services/heygen/video-status";
import { releaseProjectInputs } from "../../src/services/privacy/release-inputs";
import { requestErasure, runErasure } from "../../src/services/privacy/erasure";
import { useStack } from "../helpers/use-stack";

describe("logs of a whole flow carry no uid or e-mail", function () {
  this.timeout(90000);
  useStack({ servers: ["storage", "heygen"], fresh: { firestore: true, heygen: true } });

  it("generate (v2, photo look) → completed → inputs released → erasure: only the pseudonym", async () => {
    const user = await consentingUser();
    const app = testContext({ apiVersion: "v2", fallback: "" });
    const projectId = await projectWithVoice(user.uid, 24, "logs");
    const { text } = await captureLogs(async () => {
      const { videoId } = submitted(await generateVideo(app, user.uid, { projectId }));
      await waitForRender(videoId);
      await refreshVideoStatus(app, user.uid, videoId);
      await releaseProjectInputs(app, projectId);
      const { erasureId } = await requestErasure(app, user.uid, "user");
      await runErasure(app, erasureId, { force: true });
    });
    const lines = text.split("\n").filter((l) => l.trim().startsWith("{"));
    expect(lines.length).to.be.greaterThan(3);
    expect(text).to.not.contain(user.uid);
    expect(text).to.not.contain(user.email);
    const created = lines
      .map((l) => JSON.parse(l))
      .find((l) => l.message === "HeyGen video created");
    expect(created?.user).to.equal(logUserId(user.uid));
  });
});

/**
 * The simulator's delivery log, read by someone who saw the receiver's work done: the
 * receiver (like our webhook function) does its work before it answers, so the record of
 * the delivery comes a moment later. The reader waits for it, with a deadline.
 */
import { expect } from "chai";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { startHeygenSim, type HeygenSim } from "../../devtools/heygen-sim/server";
import { acceptedDelivery } from "../../devtools/heygen-sim/delivery-log";

describe("HeyGen simulator: reading the webhook delivery log after the receiver's work", function () {
  this.timeout(20000);
  let sim: HeygenSim;
  let receiver: http.Server;
  let workDone: (videoId: string) => void = () => undefined;
  /** How long the receiver takes to answer after its work (a function writing, then replying). */
  let answerDelayMs = 0;

  before(async () => {
    sim = await startHeygenSim({ timings: { videoPendingMs: 50, videoProcessingMs: 50 } });
    receiver = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const event = JSON.parse(Buffer.concat(chunks).toString()) as {
          event_data: { video_id: string };
        };
        workDone(event.event_data.video_id);
        setTimeout(() => res.writeHead(200).end('{"ok":true}'), answerDelayMs);
      });
    });
    await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
    sim.model.addWebhook(`http://127.0.0.1:${(receiver.address() as AddressInfo).port}/`, null);
  });
  after(async () => {
    await sim.close();
    await new Promise((r) => receiver.close(r));
  });

  /** A video that fails at once (no render): its avatar_video.fail event is pushed. */
  function failingVideo(): { videoId: string; worked: Promise<void> } {
    sim.model.nextVideoFailure = { code: 40119, message: "Video is too long" };
    const videoId = sim.model.addVideo({
      api: "v3",
      title: "t",
      callbackId: null,
      folderId: null,
      imageFile: null,
      audioFile: "/nonexistent.mp3",
    });
    sim.model.nextVideoFailure = null;
    const worked = new Promise<void>((resolve) => {
      workDone = (id) => id === videoId && resolve();
    });
    return { videoId, worked };
  }

  it("returns the accepted delivery that is recorded after the receiver's work was seen", async () => {
    answerDelayMs = 300;
    const { videoId, worked } = failingVideo();
    await worked;
    // What was there to read at once: nothing yet (the answer is still on its way).
    expect(sim.webhookDeliveries.filter((d) => d.videoId === videoId)).to.deep.equal([]);
    const mine = await acceptedDelivery(() => sim.webhookDeliveries, videoId, "avatar_video.fail");
    expect(mine.map((d) => [d.eventType, d.result, d.attempt])).to.deep.equal([
      ["avatar_video.fail", 200, 0],
    ]);
  });

  it("ends at its deadline with what the log held", async () => {
    answerDelayMs = 0;
    const { videoId, worked } = failingVideo();
    await worked;
    const err = await acceptedDelivery(
      () => sim.webhookDeliveries,
      videoId,
      "avatar_video.success",
      400,
    ).catch((e: unknown) => e as Error);
    expect(err).to.be.instanceOf(Error);
    expect((err as Error).message)
      .to.match(/timed out after 0\.4 s waiting for an accepted avatar_video\.success/)
      .and.to.contain('"eventType":"avatar_video.fail","attempt":0,"result":200');
  });
});

/** The webhook dedupe keys (src/services/heygen/webhook-dedupe.ts). */
import { expect } from "chai";
import { webhookDedupeKeys } from "../../src/services/heygen/webhook-dedupe";

const SUCCESS = "avatar_video.success";

describe("webhookDedupeKeys", () => {
  it("keys on the body's event_id first, whatever the header says", () => {
    const a = webhookDedupeKeys({ eventType: SUCCESS, eventId: "e1", deliveryId: "h1" });
    const b = webhookDedupeKeys({ eventType: SUCCESS, eventId: "e1", deliveryId: "h2" });
    expect(a[0]).to.deep.equal({ source: "event-id", key: "e1" });
    expect(b[0]).to.deep.equal(a[0]);
  });

  it("falls back to event type + video id when the body has no event_id", () => {
    expect(
      webhookDedupeKeys({ eventType: SUCCESS, videoId: "v1", deliveryId: "h1" }),
    ).to.deep.equal([
      { source: "type-video", key: `${SUCCESS}:v1` },
      { source: "delivery-id", key: "h1" },
    ]);
    const fail = webhookDedupeKeys({ eventType: "avatar_video.fail", videoId: "v1" });
    expect(fail).to.deep.equal([{ source: "type-video", key: "avatar_video.fail:v1" }]);
  });

  it("prefers event_id over the video id, and adds the header only as an extra", () => {
    const keys = webhookDedupeKeys({
      eventType: SUCCESS,
      eventId: "e1",
      videoId: "v1",
      deliveryId: " h1 ",
    });
    expect(keys).to.deep.equal([
      { source: "event-id", key: "e1" },
      { source: "delivery-id", key: "h1" },
    ]);
  });

  it("never keys on the header alone: a body with neither id gets no signed key", () => {
    expect(webhookDedupeKeys({ eventType: SUCCESS, deliveryId: "h1" })).to.deep.equal([
      { source: "delivery-id", key: "h1" },
    ]);
    expect(webhookDedupeKeys({ eventType: SUCCESS })).to.deep.equal([]);
  });

  it("does not repeat the header when it equals the body's event_id, and ignores blanks", () => {
    expect(
      webhookDedupeKeys({ eventType: SUCCESS, eventId: "e1", deliveryId: "e1" }),
    ).to.deep.equal([{ source: "event-id", key: "e1" }]);
    expect(
      webhookDedupeKeys({ eventType: SUCCESS, eventId: " ", videoId: "v1", deliveryId: "  " }),
    ).to.deep.equal([{ source: "type-video", key: `${SUCCESS}:v1` }]);
    // The same video with stray spaces is the same event; a blank video id is none.
    expect(webhookDedupeKeys({ eventType: SUCCESS, videoId: " v1 " })).to.deep.equal([
      { source: "type-video", key: `${SUCCESS}:v1` },
    ]);
    expect(webhookDedupeKeys({ eventType: SUCCESS, videoId: "  " })).to.deep.equal([]);
  });
});

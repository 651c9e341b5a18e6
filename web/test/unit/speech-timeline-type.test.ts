/**
 * The client's view of a speech timeline stays what the backend stores: a timeline
 * the backend's schema accepts type-checks as the client's type (this file does not
 * compile otherwise) and plays through the client's lookups.
 */
import assert from "node:assert/strict";
import { SpeechTimelineSchema, type SpeechTimeline as StoredTimeline } from "../../../functions/src/services/speech/schema";
import { shapeSegments, type SpeechTimeline } from "../../src/avatar/speech-timeline";
import { sampleTimeline } from "./sample-timeline";

describe("speech timeline player: the backend's timeline document (no browser)", () => {
  it("a stored timeline is a client timeline", () => {
    const stored: StoredTimeline = SpeechTimelineSchema.parse(sampleTimeline());
    const client: SpeechTimeline = stored;
    assert.equal(shapeSegments(client, "groups").length, stored.groups.length);
    assert.deepEqual(shapeSegments(client, "visemes")[0], { t: 0.008, d: 0.032, key: "TH", weight: 1 });
  });
});

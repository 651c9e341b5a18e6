/** The title marker of a create, and when a retry must look for an earlier create. */
import { expect } from "chai";
import {
  previousCreateMayExist,
  titleMarker,
  videoTitle,
} from "../../src/services/heygen/find-lost-video";

describe("video title marker", () => {
  it("puts the project name first and ends with the project and attempt", () => {
    expect(videoTitle({ name: "Birthday" }, "p-1", 3)).to.equal("Birthday · masky:p-1:3");
    expect(videoTitle({ name: "Birthday" }, "p-1", 3).endsWith(titleMarker("p-1", 3))).to.equal(
      true,
    );
  });

  it("keeps the title short: at most 80 characters of the name; a blank name gets a default", () => {
    const title = videoTitle({ name: `  ${"x".repeat(200)}  ` }, "p-1", 1);
    expect(title).to.equal(`${"x".repeat(80)} · masky:p-1:1`);
    expect(videoTitle({ name: "   " }, "p-1", 1)).to.equal("Masky video · masky:p-1:1");
  });

  it("a marker of attempt 1 is not the end of attempt 11's title", () => {
    expect(videoTitle({ name: "a" }, "p-1", 11).endsWith(titleMarker("p-1", 1))).to.equal(false);
  });

  it("looks for an earlier create only after an ambiguous failure or a lease take-over", () => {
    const g = (generation: Record<string, unknown> | undefined) =>
      previousCreateMayExist({ generation } as Parameters<typeof previousCreateMayExist>[0]);
    expect(g({ state: "failed", attempt: 1, reuseAttempt: true })).to.equal(true);
    expect(g({ state: "submitting", attempt: 1 })).to.equal(true);
    expect(g({ state: "failed", attempt: 1, reuseAttempt: false })).to.equal(false);
    expect(g({ state: "submitted", attempt: 1 })).to.equal(false);
    expect(g(undefined)).to.equal(false);
  });
});

/**
 * The money guards decided without Firestore (src/services/quotas/quota-decisions.ts,
 * src/store/counter-windows.ts): the daily and project video budget, its give-back, the
 * photoreal job limits (pending, then daily) and the per-minute rate limit, with the
 * windows they count in and the Retry-After a refusal carries.
 */
import { expect } from "chai";
import {
  admitAvatarJobDecision,
  quotaExceeded,
  rateLimitDecision,
  releaseVideoDecision,
  reserveVideoDecision,
} from "../../src/services/quotas/quota-decisions";
import { countInWindow, dayWindow, minuteWindow } from "../../src/store/counter-windows";
import { thrownApiError } from "../helpers/api-errors";

const AT = new Date("2026-12-01T23:59:30.250Z");

const refusal = (fn: () => unknown) => thrownApiError(fn, "expected a refusal");

describe("counter windows", () => {
  it("a day is the UTC date; it resets at the next UTC midnight, rounded up to whole seconds", () => {
    expect(dayWindow(AT)).to.deep.equal({ window: "2026-12-01", resetsInSeconds: 30 });
    expect(dayWindow(new Date("2026-12-01T00:00:00.000Z"))).to.deep.equal({
      window: "2026-12-01",
      resetsInSeconds: 86400,
    });
    // The last month of a year rolls over into the next year.
    expect(dayWindow(new Date("2026-12-31T23:00:00.000Z")).resetsInSeconds).to.equal(3600);
  });

  it("a reset is at least one second away, never 0", () => {
    expect(dayWindow(new Date("2026-12-01T23:59:59.999Z")).resetsInSeconds).to.equal(1);
    expect(minuteWindow(new Date("2026-12-01T10:20:59.999Z")).resetsInSeconds).to.equal(1);
  });

  it("a minute is the UTC minute; it resets at the next one", () => {
    expect(minuteWindow(AT)).to.deep.equal({ window: "2026-12-01T23:59", resetsInSeconds: 30 });
    expect(minuteWindow(new Date("2026-12-01T10:20:00.000Z")).resetsInSeconds).to.equal(60);
    expect(minuteWindow(new Date("2026-12-01T10:20:00.001Z")).resetsInSeconds).to.equal(60);
  });

  it("a counter counts only in its own window; none counts 0", () => {
    expect(countInWindow({ window: "2026-12-01", count: 4 }, "2026-12-01")).to.equal(4);
    expect(countInWindow({ window: "2026-11-30", count: 4 }, "2026-12-01")).to.equal(0);
    expect(countInWindow(undefined, "2026-12-01")).to.equal(0);
  });
});

describe("reserveVideoDecision: the daily video budget", () => {
  const limits = { videosPerUserPerDay: 3, heygenVideosPerDay: 10 };

  it("reserves one video in both counts below both limits", () => {
    expect(reserveVideoDecision({ user: 0, project: 0 }, limits, AT)).to.deep.equal({
      user: 1,
      project: 1,
    });
    expect(reserveVideoDecision({ user: 2, project: 9 }, limits, AT)).to.deep.equal({
      user: 3,
      project: 10,
    });
  });

  it("refuses the user at their daily limit: 429 QUOTA_EXCEEDED until midnight UTC", () => {
    const err = refusal(() => reserveVideoDecision({ user: 3, project: 0 }, limits, AT));
    expect(err.code).to.equal("QUOTA_EXCEEDED");
    expect(err.status).to.equal(429);
    expect(err.message).to.equal(
      "You have started 3 videos today, the daily limit; try again after midnight UTC.",
    );
    expect(err.details).to.deep.equal({ scope: "user", limit: 3, window: "2026-12-01" });
    expect(err.headers).to.deep.equal({ "Retry-After": "30" });
    expect(
      refusal(() => reserveVideoDecision({ user: 4, project: 0 }, limits, AT)).details,
    ).to.have.property("scope", "user");
  });

  it("refuses everyone once the project's budget is used; the user's limit is named first", () => {
    const err = refusal(() => reserveVideoDecision({ user: 0, project: 10 }, limits, AT));
    expect(err.code).to.equal("QUOTA_EXCEEDED");
    expect(err.message).to.equal(
      "The service has used today's video budget; try again after midnight UTC.",
    );
    expect(err.details).to.deep.equal({ scope: "project", limit: 10, window: "2026-12-01" });
    expect(err.headers).to.deep.equal({ "Retry-After": "30" });
    expect(
      refusal(() => reserveVideoDecision({ user: 0, project: 11 }, limits, AT)).details,
    ).to.have.property("scope", "project");
    expect(
      refusal(() => reserveVideoDecision({ user: 3, project: 10 }, limits, AT)).details,
    ).to.have.property("scope", "user");
  });
});

describe("releaseVideoDecision: a video given back", () => {
  it("lowers each count by one", () => {
    expect(releaseVideoDecision({ user: 2, project: 7 })).to.deep.equal({ user: 1, project: 6 });
    expect(releaseVideoDecision({ user: 1, project: 1 })).to.deep.equal({ user: 0, project: 0 });
  });

  it("never below 0: a count already at 0 is left unwritten", () => {
    expect(releaseVideoDecision({ user: 0, project: 3 })).to.deep.equal({ user: null, project: 2 });
    expect(releaseVideoDecision({ user: 3, project: 0 })).to.deep.equal({ user: 2, project: null });
  });
});

describe("admitAvatarJobDecision: photoreal jobs pending and per day", () => {
  const limits = { avatarJobsPerUserPerDay: 5, pendingAvatarJobsPerUser: 2 };

  it("admits below both limits, answering the day's count with the new job", () => {
    expect(admitAvatarJobDecision({ today: 0, pending: 0 }, limits, AT)).to.equal(1);
    expect(admitAvatarJobDecision({ today: 4, pending: 1 }, limits, AT)).to.equal(5);
  });

  it("refuses while as many jobs as allowed are pending, retry in a minute", () => {
    const err = refusal(() => admitAvatarJobDecision({ today: 0, pending: 2 }, limits, AT));
    expect(err.code).to.equal("QUOTA_EXCEEDED");
    expect(err.message).to.equal(
      "You have 2 avatars in progress, the most at once; wait until one is done.",
    );
    expect(err.details).to.deep.equal({ scope: "pending", limit: 2 });
    expect(err.headers).to.deep.equal({ "Retry-After": "60" });
  });

  it("refuses the day's jobs once used up, until midnight UTC; pending is named first", () => {
    const err = refusal(() => admitAvatarJobDecision({ today: 5, pending: 0 }, limits, AT));
    expect(err.message).to.equal(
      "You have started 5 avatars today, the daily limit; try again after midnight UTC.",
    );
    expect(err.details).to.deep.equal({ scope: "user", limit: 5, window: "2026-12-01" });
    expect(err.headers).to.deep.equal({ "Retry-After": "30" });
    expect(
      refusal(() => admitAvatarJobDecision({ today: 5, pending: 2 }, limits, AT)).details,
    ).to.have.property("scope", "pending");
  });
});

describe("rateLimitDecision: requests per minute", () => {
  it("counts the request below the limit", () => {
    expect(rateLimitDecision(0, 2, AT, "status")).to.equal(1);
    expect(rateLimitDecision(1, 2, AT, "status")).to.equal(2);
  });

  it("refuses at the limit: 429 RATE_LIMITED, Retry-After the seconds to the next minute", () => {
    const err = refusal(() => rateLimitDecision(2, 2, AT, "status"));
    expect(err.code).to.equal("RATE_LIMITED");
    expect(err.status).to.equal(429);
    expect(err.message).to.equal("Too many status requests (2 a minute); try again in 30 s.");
    expect(err.details).to.deep.equal({ limit: 2, window: "2026-12-01T23:59" });
    expect(err.headers).to.deep.equal({ "Retry-After": "30" });
  });
});

describe("quotaExceeded", () => {
  it("is a 429 with its details and Retry-After", () => {
    const err = quotaExceeded("no more", { scope: "x" }, 7);
    expect([err.code, err.status, err.message]).to.deep.equal(["QUOTA_EXCEEDED", 429, "no more"]);
    expect(err.details).to.deep.equal({ scope: "x" });
    expect(err.headers).to.deep.equal({ "Retry-After": "7" });
  });
});

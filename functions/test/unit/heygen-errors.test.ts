/** HeyGen failures → typed kinds (clients/heygen/errors.ts) → the design's error body. */
import { expect } from "chai";
import {
  classifyHeygenError,
  HeygenError,
  type HeygenErrorKind,
} from "../../src/clients/heygen/errors";
import { heygenToApiError } from "../../src/services/heygen/upstream-errors";
import { ApiError } from "../../src/errors";

describe("HeyGen error kinds", () => {
  it("reads HeyGen's codes first, numbers and strings alike, case-insensitively", () => {
    const cases: [number | undefined, string | number | undefined, HeygenErrorKind][] = [
      [400, "photar_not_found", "not_ready"],
      [400, 400174, "not_ready"],
      [409, "request_in_progress", "not_ready"],
      [404, "resource_not_ready", "not_ready"],
      [400, "asset_not_available", "not_ready"],
      [402, "insufficient_credit", "quota"],
      [400, 400140, "quota"],
      [400, "400664", "quota"],
      [403, "Trial_Video_Limit_Exceeded", "quota"],
      [400, "trial_limit_exceeded", "quota"],
      [403, "subscription_required", "quota"],
      [403, "plan_upgrade_required", "quota"],
      [429, "quota_exceeded", "quota"],
      [400, "movio_payment_insufficient_credit", "quota"],
      [400, 400599, "quota"],
      [400, "avatar_not_found", "not_found"],
      [400, 400144, "not_found"],
      [400, "400116", "not_found"],
      [400, 40031, "not_found"],
      [404, "video_not_found", "not_found"],
      [404, "voice_not_found", "not_found"],
      [404, "asset_not_found", "not_found"],
      [404, "resource_not_found", "not_found"],
      [200, "not_found", "not_found"],
      [401, "unauthorized", "unauthorized"],
      [200, 40009, "unauthorized"],
      [400, 400112, "unauthorized"],
      [403, "insufficient_api_key_scope", "unauthorized"],
      [400, "rate_limit_exceeded", "rate_limited"],
    ];
    for (const [status, code, kind] of cases) {
      expect(classifyHeygenError(status, code), `${status} ${code}`).to.equal(kind);
    }
  });

  it("falls back on the HTTP status when the code says nothing", () => {
    const cases: [number | undefined, HeygenErrorKind][] = [
      [429, "rate_limited"],
      [402, "quota"],
      [401, "unauthorized"],
      [403, "unauthorized"],
      [404, "not_found"],
      [409, "conflict"],
      [400, "invalid_input"],
      [422, "invalid_input"],
      [499, "invalid_input"],
      [500, "upstream"],
      [503, "upstream"],
      [399, "upstream"],
      [undefined, "upstream"],
    ];
    for (const [status, kind] of cases) {
      expect(classifyHeygenError(status, undefined), String(status)).to.equal(kind);
      expect(classifyHeygenError(status, "something_else"), `${status} other`).to.equal(kind);
    }
  });

  it("keeps the status, code, request id, Retry-After and cause", () => {
    const cause = new Error("socket");
    const e = new HeygenError("rate_limited", "slow down", {
      status: 429,
      code: "rate_limit_exceeded",
      requestId: "r1",
      retryAfterSeconds: 7,
      cause,
    });
    expect(e).to.be.instanceOf(Error);
    expect(e).to.include({
      name: "HeygenError",
      kind: "rate_limited",
      message: "slow down",
      status: 429,
      code: "rate_limit_exceeded",
      requestId: "r1",
      retryAfterSeconds: 7,
    });
    expect(e.cause).to.equal(cause);
  });
});

describe("HeyGen errors → the API's error body", () => {
  const step = "creating the video";
  const map = (kind: HeygenErrorKind, init: ConstructorParameters<typeof HeygenError>[2] = {}) =>
    heygenToApiError(new HeygenError(kind, "boom", { code: "c1", ...init }), step);

  it("passes an ApiError through and hides anything that is not HeyGen's", () => {
    const own = new ApiError("FORBIDDEN", "no");
    expect(heygenToApiError(own, step)).to.equal(own);
    const cause = new TypeError("x is undefined");
    const internal = heygenToApiError(cause, step);
    expect(internal.code).to.equal("INTERNAL");
    expect(internal.message).to.equal(`${step} failed on our side; try again in a moment.`);
    expect(internal.cause).to.equal(cause);
  });

  it("rate limit: 429 RATE_LIMITED with Retry-After rounded up, or none when HeyGen sent none", () => {
    const e = map("rate_limited", { retryAfterSeconds: 2.2 });
    expect(e.code).to.equal("RATE_LIMITED");
    expect(e.status).to.equal(429);
    expect(e.message).to.equal(`HeyGen is busy (${step}); try again in a minute.`);
    expect(e.headers).to.deep.equal({ "Retry-After": "3" });
    expect(e.cause).to.be.instanceOf(HeygenError);
    expect(map("rate_limited", { retryAfterSeconds: 0 }).headers).to.deep.equal({
      "Retry-After": "0",
    });
    expect(map("rate_limited").headers).to.deep.equal({});
  });

  it("credits used up: RATE_LIMITED that says so, with HeyGen's code", () => {
    const e = map("quota");
    expect(e.code).to.equal("RATE_LIMITED");
    expect(e.message).to.equal(
      `HeyGen refused ${step}: the account's credits or daily video limit are used up (boom). Try again later or top up HeyGen credits.`,
    );
    expect(e.details).to.deep.equal({ heygenCode: "c1" });
  });

  it("refused input or a missing avatar: 400 with HeyGen's message and request id", () => {
    for (const kind of ["invalid_input", "not_found"] as const) {
      const e = map(kind, { requestId: "req-9" });
      expect(e.code).to.equal("INVALID_REQUEST");
      expect(e.message).to.equal(`HeyGen refused ${step}: boom (HeyGen request req-9).`);
      expect(e.details).to.deep.equal({ heygenCode: "c1" });
    }
    expect(map("invalid_input").message).to.equal(`HeyGen refused ${step}: boom.`);
  });

  it("a bad key is the operator's problem: 502 naming HEYGEN_API_KEY", () => {
    const e = map("unauthorized");
    expect(e.code).to.equal("UPSTREAM_ERROR");
    expect(e.message).to.equal(
      `HeyGen rejected this backend's API key during ${step}; the operator must fix HEYGEN_API_KEY.`,
    );
    expect(e.cause).to.be.instanceOf(HeygenError);
  });

  it("anything else from HeyGen: 502 UPSTREAM_ERROR to try again", () => {
    for (const kind of ["upstream", "conflict", "not_ready"] as const) {
      const e = map(kind, { requestId: "r2" });
      expect(e.code).to.equal("UPSTREAM_ERROR");
      expect(e.status).to.equal(502);
      expect(e.message).to.equal(
        `HeyGen failed during ${step}: boom (HeyGen request r2). Try again in a moment.`,
      );
      expect(e.details).to.deep.equal({ heygenCode: "c1" });
      expect(e.cause).to.be.instanceOf(HeygenError);
    }
  });
});

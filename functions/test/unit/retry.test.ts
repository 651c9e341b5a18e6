/** The one Retry-After parser and backoff formula (src/clients/http/retry.ts). */
import { expect } from "chai";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { z } from "zod";
import { providerRequest } from "../../src/clients/providers/http";
import { ProviderError } from "../../src/clients/providers/types";
import {
  backoffMs,
  parseRetryAfter,
  retryWaitMs,
  SWEEP_BACKOFF,
  type BackoffPolicy,
} from "../../src/clients/http/retry";

const NOW = Date.parse("2026-12-01T12:00:00.000Z");

describe("parseRetryAfter", () => {
  it("reads delta-seconds, with surrounding spaces and fractions", () => {
    expect(parseRetryAfter("120", NOW)).to.equal(120);
    expect(parseRetryAfter(" 7 ", NOW)).to.equal(7);
    expect(parseRetryAfter("0", NOW)).to.equal(0);
    expect(parseRetryAfter("2.5", NOW)).to.equal(2.5);
    expect(parseRetryAfter(30, NOW)).to.equal(30);
  });

  it("reads an HTTP-date as the seconds from now to it, and a past date as 0", () => {
    expect(parseRetryAfter("Tue, 01 Dec 2026 12:01:30 GMT", NOW)).to.equal(90);
    expect(parseRetryAfter("Tue, 01 Dec 2026 11:59:00 GMT", NOW)).to.equal(0);
  });

  it("takes the first value of a repeated header", () => {
    expect(parseRetryAfter(["5", "60"], NOW)).to.equal(5);
  });

  it("is undefined when absent or unreadable (never NaN, never negative)", () => {
    for (const raw of [undefined, null, "", "  ", "soon", "-5", "1e3", "12abc", NaN, {}]) {
      expect(parseRetryAfter(raw, NOW), JSON.stringify(raw)).to.equal(undefined);
    }
    expect(parseRetryAfter(-3, NOW)).to.equal(0);
  });
});

describe("backoffMs", () => {
  const exact: BackoffPolicy = { baseMs: 500, capMs: 8000, jitter: "none" };

  it("doubles from the base per attempt and stops at the cap", () => {
    expect([0, 1, 2, 3, 4, 5, 10].map((a) => backoffMs(a, exact))).to.deep.equal([
      500, 1000, 2000, 4000, 8000, 8000, 8000,
    ]);
    expect(backoffMs(-1, exact)).to.equal(500);
  });

  it("with half jitter stays within [wait/2, wait] and reaches both ends", () => {
    const policy: BackoffPolicy = { ...exact, jitter: "half" };
    expect(backoffMs(2, policy, () => 0)).to.equal(1000);
    expect(backoffMs(2, policy, () => 0.999999)).to.be.closeTo(2000, 0.01);
    expect(backoffMs(9, policy, () => 0)).to.equal(4000); // half of the cap
    for (let i = 0; i < 200; i++) {
      const wait = backoffMs(3, policy);
      expect(wait).to.be.within(2000, 4000);
    }
  });

  it("spaces the sweeps' reads 1, 2, 4 … 30 minutes apart", () => {
    const minutes = [0, 1, 2, 3, 4, 5, 6, 20].map((a) => backoffMs(a, SWEEP_BACKOFF) / 60000);
    expect(minutes).to.deep.equal([1, 2, 4, 8, 16, 30, 30, 30]);
  });
});

describe("retryWaitMs", () => {
  it("waits what the upstream asked for, capped; else the fallback", () => {
    expect(retryWaitMs(7, 30, 999)).to.equal(7000);
    expect(retryWaitMs(0, 30, 999)).to.equal(0);
    expect(retryWaitMs(3600, 30, 999)).to.equal(30000);
    expect(retryWaitMs(undefined, 30, 999)).to.equal(999);
  });
});

describe("the provider clients read Retry-After with the same parser", () => {
  let server: http.Server;
  let base = "";
  before(async () => {
    server = http.createServer((req, res) => {
      const retryAfter = new URL(req.url ?? "/", "http://x").searchParams.get("ra") ?? "";
      res.writeHead(429, { "Content-Type": "application/json", "Retry-After": retryAfter });
      res.end(JSON.stringify({ detail: "slow down" }));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  async function refusal(retryAfter: string): Promise<ProviderError> {
    const url = `${base}/?ra=${encodeURIComponent(retryAfter)}`;
    const err = await providerRequest("test", z.unknown(), { url }, 5000).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(ProviderError);
    expect((err as ProviderError).kind).to.equal("rate_limited");
    return err as ProviderError;
  }

  it("delta-seconds and an HTTP-date (the date form was dropped before)", async () => {
    expect((await refusal("7")).retryAfterSeconds).to.equal(7);
    const inAMinute = new Date(Date.now() + 60_000).toUTCString();
    expect((await refusal(inAMinute)).retryAfterSeconds).to.be.within(55, 60);
    expect((await refusal("later")).retryAfterSeconds).to.equal(undefined);
  });
});

/** When the poller renews a completed video's URL (src/store/url-refresh.ts). */
import { expect } from "chai";
import { EXPIRED_RETRY_MS, urlRefreshAt } from "../../src/store/url-refresh";

const NOW = new Date("2026-12-07T00:00:00.000Z");
const MIN = 60_000;
const DAY = 24 * 60 * MIN;
const at = (ms: number) => new Date(NOW.getTime() + ms);
const live = (marginMs: number) => ({ marginMs, archived: false });

describe("urlRefreshAt", () => {
  it("renews a short-lived URL at half its time left, not on every run", () => {
    expect(urlRefreshAt(at(60 * MIN), NOW, live(DAY))).to.deep.equal(at(30 * MIN));
    expect(urlRefreshAt(at(2 * MIN), NOW, live(60 * MIN))).to.deep.equal(at(MIN));
  });

  it("renews a long-lived URL the margin before it expires", () => {
    expect(urlRefreshAt(at(7 * DAY), NOW, live(DAY))).to.deep.equal(at(6 * DAY));
  });

  it("never renews an archived video, or a URL without an expiry", () => {
    expect(urlRefreshAt(at(7 * DAY), NOW, { marginMs: DAY, archived: true })).to.equal(null);
    expect(urlRefreshAt(null, NOW, live(DAY))).to.equal(null);
  });

  it("asks again a little later for a URL that has expired already", () => {
    expect(urlRefreshAt(at(-MIN), NOW, live(DAY))).to.deep.equal(at(EXPIRED_RETRY_MS));
    // Expiring this very moment counts as expired, not as "renew now, on every run".
    expect(urlRefreshAt(at(0), NOW, live(DAY))).to.deep.equal(at(EXPIRED_RETRY_MS));
  });
});

/**
 * The HeyGen simulator's bench meters, on a simulator of the test's own (port 0): the
 * request latency delays every API answer, and the in-flight meter sees the real
 * overlap of requests (test controls and media downloads are not metered).
 */
import { expect } from "chai";
import { startHeygenSim, type HeygenSim } from "../../devtools/heygen-sim/server";

describe("HeyGen simulator meters: request latency and peak concurrency", function () {
  this.timeout(20000);
  let sim: HeygenSim;
  before(async () => {
    sim = await startHeygenSim();
  });
  after(() => sim.close());

  const voices = () =>
    fetch(`${sim.apiUrl}/v3/voices`, { headers: { "X-Api-Key": sim.apiKey } }).then(
      (r) => r.status,
    );

  it("delays each API answer by requestLatencyMs and counts the requests in flight at once", async () => {
    sim.setTimings({ requestLatencyMs: 150 });
    const res = await fetch(`${sim.apiUrl}/_sim/concurrency`, { method: "POST" });
    expect(await res.json()).to.deep.equal({ current: 0, peak: 0 });
    const started = Date.now();
    expect(await Promise.all(Array.from({ length: 6 }, voices))).to.deep.equal(Array(6).fill(200));
    expect(Date.now() - started).to.be.at.least(150);
    expect(sim.concurrency).to.deep.equal({ current: 0, peak: 6 });
    await voices();
    expect(sim.concurrency.peak).to.equal(6);
    const over = await (await fetch(`${sim.apiUrl}/_sim/concurrency`)).json();
    expect(over).to.deep.equal({ current: 0, peak: 6 });
  });

  it("sequential requests peak at 1; a reset starts the peak again; no latency by default", async () => {
    sim.setTimings({ requestLatencyMs: 0 });
    sim.reset();
    expect(sim.concurrency.peak).to.equal(0);
    for (let i = 0; i < 3; i++) await voices();
    expect(sim.concurrency).to.deep.equal({ current: 0, peak: 1 });
  });
});

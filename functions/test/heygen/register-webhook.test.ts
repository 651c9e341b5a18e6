import { expect } from "chai";
import { startHeygenSim, type HeygenSim } from "../../devtools/heygen-sim/server";
import { registerWebhookEndpoint } from "../../src/clients/heygen/webhooks";

describe("registering the webhook endpoint with HeyGen", () => {
  let sim: HeygenSim;
  before(async () => (sim = await startHeygenSim()));
  after(() => sim.close());

  for (const apiVersion of ["v2", "v3"] as const) {
    it(`${apiVersion}: returns the endpoint id and signing secret`, async () => {
      const res = await registerWebhookEndpoint({
        apiVersion,
        apiBaseUrl: sim.apiUrl,
        apiKey: sim.apiKey,
        url: `https://example.test/api/heygen/webhook/${apiVersion}`,
      });
      expect(res.secret).to.match(/^whsec_/);
      const stored = sim.model.webhooks.get(res.endpointId);
      expect(stored?.events).to.deep.equal(["avatar_video.success", "avatar_video.fail"]);
    });
  }
});

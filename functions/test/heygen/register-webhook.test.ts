import { expect } from "chai";
import { startHeygenSim, type HeygenSim } from "../../devtools/heygen-sim/server";
import { registerWebhookEndpoint } from "../../src/clients/heygen/webhooks";
import { HeygenError } from "../../src/clients/heygen/errors";
import { functionUrl } from "../helpers/env";

const WEBHOOK_URL = functionUrl("heygen_webhook", "/api/heygen/webhook");

describe("registering the webhook endpoint with HeyGen", function () {
  this.timeout(20000);
  let sim: HeygenSim;
  before(async () => {
    sim = await startHeygenSim();
    // Warm the function: HeyGen's OPTIONS check allows one second.
    await fetch(WEBHOOK_URL, { method: "OPTIONS" });
  });
  after(() => sim.close());

  for (const apiVersion of ["v2", "v3"] as const) {
    it(`${apiVersion}: returns the endpoint id and signing secret`, async () => {
      const res = await registerWebhookEndpoint({
        apiVersion,
        apiBaseUrl: sim.apiUrl,
        apiKey: sim.apiKey,
        url: WEBHOOK_URL,
      });
      expect(res.secret).to.match(/^whsec_/);
      const stored = sim.model.webhooks.get(res.endpointId);
      expect(stored?.events).to.deep.equal(["avatar_video.success", "avatar_video.fail"]);
    });
  }

  it("v2: HeyGen refuses a URL that does not answer its OPTIONS check", async () => {
    const err = await registerWebhookEndpoint({
      apiVersion: "v2",
      apiBaseUrl: sim.apiUrl,
      apiKey: sim.apiKey,
      url: "http://127.0.0.1:9/api/heygen/webhook",
    }).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(HeygenError);
    expect((err as Error).message).to.match(/validation failed/);
    expect(sim.model.webhooks.size).to.equal(2);
  });
});

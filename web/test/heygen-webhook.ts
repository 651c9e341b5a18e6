/**
 * Registers the functions' webhook with the HeyGen simulator for a suite, as an operator
 * does once per deployment (`npm start` does it too): HeyGen pushes every finished
 * video, the functions write its project, and the page sees the step change on the
 * document it listens to (it polls nothing). Registered on the simulator's model, and
 * removed after the suite (the registration API itself is tested with the webhook, and
 * replays an earlier registration of the same URL by its idempotency key). Call inside
 * a describe, after its `useStack({ servers: ["storage", "heygen"] })`.
 */
import { functionUrl } from "../../functions/test/helpers/env";
import { heygenSim } from "../../functions/test/helpers/servers";
import { WEBHOOK_EVENTS } from "../../functions/src/clients/heygen/webhooks";

export function useHeygenWebhook(): void {
  let endpointId = "";
  before(async function () {
    this.timeout(30000);
    const url = functionUrl("heygen_webhook", "/api/heygen/webhook");
    await fetch(url, { method: "OPTIONS" }); // warm the function before the first event
    endpointId = heygenSim().model.addWebhook(url, WEBHOOK_EVENTS).id;
  });
  after(() => {
    heygenSim().model.webhooks.delete(endpointId);
  });
}

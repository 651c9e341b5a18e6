/**
 * Registering the webhook endpoint with HeyGen (an operator task, run once per
 * deployment): legacy `POST /v1/webhook/endpoint.add`, v3 `POST /v3/webhooks/endpoints`.
 * The answer carries the signing secret, shown only at creation.
 */
import { z } from "zod";
import { HeygenTransport } from "./transport";

export const WEBHOOK_EVENTS = ["avatar_video.success", "avatar_video.fail"];

export async function registerWebhookEndpoint(opts: {
  apiVersion: "v2" | "v3";
  apiBaseUrl: string;
  apiKey: string;
  url: string;
}): Promise<{ endpointId: string; secret: string }> {
  const transport = new HeygenTransport({ apiKey: opts.apiKey });
  const schema = z.object({ endpoint_id: z.string(), secret: z.string().min(1) });
  const data = await transport.request({
    method: "POST",
    baseUrl: opts.apiBaseUrl,
    path: opts.apiVersion === "v2" ? "/v1/webhook/endpoint.add" : "/v3/webhooks/endpoints",
    body: { url: opts.url, events: WEBHOOK_EVENTS },
    idempotencyKey:
      opts.apiVersion === "v3"
        ? `webhook-${Buffer.from(opts.url).toString("hex").slice(0, 200)}`
        : undefined,
    schema,
  });
  return { endpointId: data.endpoint_id, secret: data.secret };
}

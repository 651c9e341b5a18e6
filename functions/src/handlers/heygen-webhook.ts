/** HeyGen's webhook (api/operations.ts): no Firebase user, its signature is the authentication. */
import { z } from "zod";
import { defineSignedOperation } from "../api/operation";
import { secrets } from "../config";
import { eventSchema } from "../services/heygen/webhook";
import { webhookResponse } from "./heygen-schemas";

/** The request as it came: the signature covers these exact bytes. */
const signedRequest = z.object({
  rawBody: z.instanceof(Buffer, { message: "the webhook body is empty" }),
  headers: z.record(z.string(), z.union([z.string(), z.array(z.string())]).optional()),
});

export const heygenWebhook = defineSignedOperation({
  input: signedRequest,
  httpInput: { kind: "raw" },
  responses: [{ status: 200, description: "Acknowledged", schema: webhookResponse }],
  doc: {
    requestBody: { kind: "json", schema: eventSchema },
    errors: [400, 401, 404, 500, 502],
  },
  run: async ({ app }, _caller, { rawBody, headers }) => {
    const { verifySignature, handleHeygenEvent } = await import("../services/heygen/webhook");
    verifySignature(rawBody, headers, secrets.heygenWebhookSecret(), app.clock.now().getTime());
    return { received: true as const, ...(await handleHeygenEvent(app, rawBody, headers)) };
  },
});

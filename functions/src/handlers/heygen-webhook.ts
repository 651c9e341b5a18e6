/** POST /api/heygen/webhook: signed HeyGen events (no Firebase auth: the signature is the auth). */
import { secrets } from "../config";
import { ApiError } from "../errors";
import { route } from "../http/router";
import { eventSchema } from "../services/heygen/webhook";
import { webhookResponse } from "./heygen-schemas";

export const webhookRoutes = [
  route({
    method: "POST",
    path: "",
    auth: false,
    response: { status: 200, description: "Acknowledged", schema: webhookResponse },
    doc: {
      summary: "HeyGen events (avatar_video.success / .fail), signed",
      security: "heygenSignature",
      requestBody: { kind: "json", schema: eventSchema },
      errors: [400, 401, 404, 500, 502],
    },
    handle: async ({ app, req }) => {
      const { verifySignature, handleHeygenEvent } = await import("../services/heygen/webhook");
      const raw = (req as { rawBody?: Buffer }).rawBody;
      if (!raw) throw new ApiError("INVALID_REQUEST", "Empty webhook body.");
      verifySignature(raw, req.headers, secrets.heygenWebhookSecret(), app.clock.now().getTime());
      return { body: { received: true, ...(await handleHeygenEvent(app, raw, req.headers)) } };
    },
  }),
];

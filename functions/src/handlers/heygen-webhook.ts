/** POST /api/heygen/webhook: signed HeyGen events (no Firebase auth: the signature is the auth). */
import { secrets } from "../config";
import { ApiError } from "../errors";
import { route } from "../http/router";

export const webhookRoutes = [
  route({
    method: "POST",
    path: "",
    auth: false,
    handle: async ({ app, req }) => {
      const { verifySignature, handleHeygenEvent } = await import("../services/heygen/webhook");
      const raw = (req as { rawBody?: Buffer }).rawBody;
      if (!raw) throw new ApiError("INVALID_REQUEST", "Empty webhook body.");
      verifySignature(raw, req.headers, secrets.heygenWebhookSecret(), app.clock.now().getTime());
      return { body: { received: true, ...(await handleHeygenEvent(app, raw, req.headers)) } };
    },
  }),
];

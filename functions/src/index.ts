/**
 * Wiring only: each export binds a handler to its trigger, with its runtime options
 * and the secrets it may read. Handlers are loaded lazily (cold start).
 */
import { setGlobalOptions } from "firebase-functions/v2";
import { onRequest } from "firebase-functions/v2/https";
import { onDocumentCreated } from "firebase-functions/v2/firestore";
import { lazyHttp } from "./http/lazy";

setGlobalOptions({ region: "us-central1", maxInstances: 20 });

/** GET /api/me: the caller's account state (consent recorded, HeyGen folder). */
export const me = onRequest(
  // Public invoker: callers are authenticated by their Firebase ID token instead.
  // cors: false hands CORS (and OPTIONS) to our own router, in the emulator as in production.
  { timeoutSeconds: 30, invoker: "public", cors: false },
  lazyHttp("me", "/api/me", async () => (await import("./handlers/me")).meRoutes),
);

/** users/{uid} created by the client → the server stamps created_at. */
export const on_user_created = onDocumentCreated(
  { document: "users/{uid}", timeoutSeconds: 60 },
  async (event) => {
    const [{ onUserCreated }, { getAppContext }] = await Promise.all([
      import("./handlers/on-user-created"),
      import("./context"),
    ]);
    await onUserCreated(getAppContext(), event.params.uid);
  },
);

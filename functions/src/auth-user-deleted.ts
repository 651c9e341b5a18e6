/**
 * `on_auth_user_deleted` (wired by index.ts on first access): the Auth account was
 * deleted (console, Admin SDK or the client), so the same erasure as `DELETE /api/me`
 * starts (a no-op when it already ran). Auth delete events exist in the v1 API only.
 */
import * as functionsV1 from "firebase-functions/v1";
import { AUTH_DELETE_RUNTIME } from "./runtime-options";

export const on_auth_user_deleted = functionsV1
  .runWith({ ...AUTH_DELETE_RUNTIME, secrets: ["HEYGEN_API_KEY", "PROVIDER_API_KEY"] })
  .auth.user()
  .onDelete(async (user) => {
    const [{ requestErasure, runErasure }, { getAppContext }] = await Promise.all([
      import("./services/privacy/erasure"),
      import("./context"),
    ]);
    const app = getAppContext();
    const { erasureId } = await requestErasure(app, user.uid, "auth_delete");
    await runErasure(app, erasureId, { force: true });
  });

/** `users/{uid}` created without a `created_at` (anything but the first consent grant): stamp it. */
import type { AppContext } from "../context";
import { log, logUserId } from "../logs";
import { stampUserCreated } from "../store/users";

export async function onUserCreated(app: AppContext, uid: string): Promise<void> {
  const stamped = await stampUserCreated(app.db, uid, app.clock.now());
  log.info(stamped ? "user created_at stamped" : "user created_at already set", {
    user: logUserId(uid),
  });
}

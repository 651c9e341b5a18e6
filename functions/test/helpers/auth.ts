/** Users and ID tokens on the Auth emulator (real REST calls, as a web client makes them). */
import { randomUUID } from "node:crypto";
import { emulators } from "./env";

export interface TestUser {
  uid: string;
  email: string;
  idToken: string;
}

const PASSWORD = "secret-password";

async function identityToolkit<T>(method: string, body: unknown): Promise<T> {
  const res = await fetch(
    `http://${emulators.auth()}/identitytoolkit.googleapis.com/v1/accounts:${method}?key=fake-api-key`,
    { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) },
  );
  if (!res.ok) throw new Error(`Auth emulator ${method} failed: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/**
 * A new account and an ID token for it. The token comes from a sign-in after the
 * sign-up, not from the sign-up's own answer: the Auth emulator stamps a new account's
 * sign-in time (the token's `auth_time`) when the sign-up request starts and its
 * `validSince` a moment later, both in whole seconds. When a second boundary falls in
 * between (a pause under load), the sign-up's token is older than `validSince`, and the
 * Admin SDK, which checks revocation on every emulator token, refuses it as revoked: a
 * 401 for a user signed up a moment before. A sign-in happens after `validSince` is set,
 * so its token is never older.
 */
export async function createUser(
  email = `user-${randomUUID().slice(0, 8)}@example.test`,
): Promise<TestUser> {
  const { localId } = await identityToolkit<{ localId: string }>("signUp", {
    email,
    password: PASSWORD,
    returnSecureToken: true,
  });
  const { idToken } = await identityToolkit<{ idToken: string }>("signInWithPassword", {
    email,
    password: PASSWORD,
    returnSecureToken: true,
  });
  return { uid: localId, email, idToken };
}

/** Users and ID tokens on the Auth emulator (real REST calls, as a web client makes them). */
import { randomUUID } from "node:crypto";
import { emulators } from "./env";

export interface TestUser {
  uid: string;
  email: string;
  idToken: string;
}

export async function createUser(
  email = `user-${randomUUID().slice(0, 8)}@example.test`,
): Promise<TestUser> {
  const res = await fetch(
    `http://${emulators.auth()}/identitytoolkit.googleapis.com/v1/accounts:signUp?key=fake-api-key`,
    {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ email, password: "secret-password", returnSecureToken: true }),
    },
  );
  if (!res.ok) throw new Error(`Auth emulator signUp failed: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as { localId: string; idToken: string };
  return { uid: body.localId, email, idToken: body.idToken };
}

/**
 * `Authorization: Bearer <Firebase ID token>`, verified with the Admin SDK (the Auth
 * emulator in local runs).
 */
import type { Auth } from "firebase-admin/auth";
import { ApiError } from "../errors";
import { log } from "../logs";

export interface AuthedUser {
  uid: string;
  email?: string;
}

export function bearerToken(header: string | undefined): string | null {
  if (!header) return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match ? match[1] : null;
}

export async function authenticate(auth: Auth, header: string | undefined): Promise<AuthedUser> {
  const token = bearerToken(header);
  if (!token) {
    throw new ApiError(
      "UNAUTHENTICATED",
      "Sign in first: send 'Authorization: Bearer <Firebase ID token>'.",
    );
  }
  try {
    const decoded = await auth.verifyIdToken(token);
    return { uid: decoded.uid, email: decoded.email };
  } catch (err) {
    const code = (err as { code?: string }).code ?? "";
    // Why the Admin SDK refused it (expired, revoked, malformed, user disabled…); never the token.
    log.warn("ID token refused", { code: code || "none" });
    const expired = code === "auth/id-token-expired";
    throw new ApiError(
      "UNAUTHENTICATED",
      expired
        ? "Your sign-in has expired: refresh the ID token and try again."
        : "The ID token is not valid: sign in again.",
      { cause: err },
    );
  }
}

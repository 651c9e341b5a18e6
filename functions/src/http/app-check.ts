/**
 * App Check, one rule for both surfaces: with APP_CHECK_ENFORCED on, an operation the
 * table marks `appCheck` needs a valid `X-Firebase-AppCheck` token (the header the
 * Firebase SDKs send, to HTTPS endpoints as to callables).
 *
 * The token is verified here, as the Admin SDK verifies it: an RS256 JWT signed by
 * Firebase App Check with a key of its JWKS, issued by App Check, for this project
 * (`aud` holds `projects/<projectId>`), for an app (`sub`), not expired. The key set's
 * address is the APP_CHECK_JWKS_URL param (Google's by default): the Admin SDK's is
 * fixed, and the Functions emulator lets callables skip the check, so the emulated
 * stack could not otherwise verify anything. Its own key set makes the check real there.
 */
import { createVerify, type KeyObject } from "node:crypto";
import { z } from "zod";
import { ApiError } from "../errors";
import type { AppContext } from "../context";
import { publicKeyFor } from "./jwks";

export const APP_CHECK_HEADER = "x-firebase-appcheck";
export const APP_CHECK_ISSUER = "https://firebaseappcheck.googleapis.com/";

const headerSchema = z.object({
  alg: z.literal("RS256"),
  typ: z.literal("JWT"),
  kid: z.string().min(1),
});
const claimsSchema = z.object({
  iss: z.string().startsWith(APP_CHECK_ISSUER),
  aud: z.union([z.string(), z.array(z.string())]),
  sub: z.string().min(1),
  exp: z.number(),
  iat: z.number().optional(),
});

export interface AppCheckClaims {
  appId: string;
}

const refused = (why: string, cause?: unknown) =>
  new ApiError(
    "UNAUTHENTICATED",
    "This app could not be verified (App Check): send a valid X-Firebase-AppCheck token.",
    { cause: cause ?? new Error(why) },
  );

function decodePart(part: string): unknown {
  try {
    return JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
  } catch {
    return null;
  }
}

/** Verifies one token; `keyFor` resolves a key id to the signing key (null: unknown key). */
export async function verifyAppCheckToken(
  token: string,
  opts: { projectId: string; nowMs: number; keyFor: (kid: string) => Promise<KeyObject | null> },
): Promise<AppCheckClaims> {
  const parts = token.split(".");
  if (parts.length !== 3) throw refused("not a JWT");
  const header = headerSchema.safeParse(decodePart(parts[0]));
  if (!header.success) throw refused("the token's header is not App Check's (RS256 JWT with kid)");
  const claims = claimsSchema.safeParse(decodePart(parts[1]));
  if (!claims.success) throw refused("the token's claims are not App Check's");
  const key = await opts.keyFor(header.data.kid);
  if (!key) throw refused(`no App Check key ${header.data.kid}`);
  const signed = createVerify("RSA-SHA256").update(`${parts[0]}.${parts[1]}`);
  if (!signed.verify(key, Buffer.from(parts[2], "base64url"))) throw refused("bad signature");
  const { aud, sub, exp } = claims.data;
  const audiences = Array.isArray(aud) ? aud : [aud];
  if (!audiences.includes(`projects/${opts.projectId}`)) {
    throw refused(`the token is for ${audiences.join(", ")}, not projects/${opts.projectId}`);
  }
  if (exp * 1000 <= opts.nowMs) throw refused("the token has expired");
  return { appId: sub };
}

/** The rule itself; a no-op while APP_CHECK_ENFORCED is off. */
export async function requireAppCheck(app: AppContext, token: string | undefined): Promise<void> {
  if (!app.config.params.APP_CHECK_ENFORCED) return;
  if (!token) throw refused("no X-Firebase-AppCheck header");
  const jwksUrl = app.config.params.APP_CHECK_JWKS_URL;
  await verifyAppCheckToken(token, {
    projectId: app.config.projectId,
    nowMs: app.clock.now().getTime(),
    keyFor: (kid) => publicKeyFor(jwksUrl, kid),
  });
}

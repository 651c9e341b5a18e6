/**
 * A local App Check token issuer: an RSA key pair, its public half served as a JSON
 * Web Key Set the way App Check serves its own (`GET /v1/jwks`, with a max-age), and
 * tokens signed with the private half carrying App Check's claims (`iss`
 * https://firebaseappcheck.googleapis.com/<project number>, `aud` the project's number
 * and id, `sub` the app id, one hour of validity). The test stack points
 * APP_CHECK_JWKS_URL here, so the functions verify these tokens exactly as they verify
 * real ones against Google's key set.
 */
import { createServer, type Server } from "node:http";
import { createSign, generateKeyPairSync, randomUUID, type KeyObject } from "node:crypto";
import type { AddressInfo } from "node:net";
import { LOCALHOST } from "./ports";

export const APP_CHECK_JWKS_PATH = "/v1/jwks";
/** Local only: a fresh token for the local project, for the web client on localhost. */
export const APP_CHECK_TOKEN_PATH = "/v1/token";
/** A made-up project number: the emulated project has none. */
export const LOCAL_PROJECT_NUMBER = "123456789012";

export interface AppCheckClaims {
  iss: string;
  aud: string[];
  sub: string;
  exp: number;
  iat: number;
}

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

/** Signs claims as App Check does (RS256, `kid` of the key). */
export function signAppCheckToken(claims: AppCheckClaims, key: KeyObject, kid: string): string {
  const head = `${b64url({ alg: "RS256", typ: "JWT", kid })}.${b64url(claims)}`;
  const signature = createSign("RSA-SHA256").update(head).sign(key).toString("base64url");
  return `${head}.${signature}`;
}

export function appCheckClaims(
  projectId: string,
  over: Partial<AppCheckClaims> = {},
  nowMs = Date.now(),
): AppCheckClaims {
  const iat = Math.floor(nowMs / 1000);
  return {
    iss: `https://firebaseappcheck.googleapis.com/${LOCAL_PROJECT_NUMBER}`,
    aud: [`projects/${LOCAL_PROJECT_NUMBER}`, `projects/${projectId}`],
    sub: `1:${LOCAL_PROJECT_NUMBER}:web:local`,
    iat,
    exp: iat + 3600,
    ...over,
  };
}

export interface AppCheckIssuer {
  url: string;
  kid: string;
  /** A valid token for the project (claims overridable, e.g. `exp` in the past). */
  mint(projectId: string, over?: Partial<AppCheckClaims>): string;
  /** How many times the key set was fetched. */
  jwksFetches(): number;
  close(): Promise<void>;
}

/** `projectId`: the project whose tokens `GET /v1/token` gives the web client. */
export function startAppCheckIssuer(port: number, projectId: string): Promise<AppCheckIssuer> {
  const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const kid = randomUUID();
  const jwks = {
    keys: [{ ...publicKey.export({ format: "jwk" }), kid, alg: "RS256", use: "sig" }],
  };
  let fetches = 0;
  const server: Server = createServer((req, res) => {
    if (req.method === "GET" && req.url === APP_CHECK_JWKS_PATH) {
      fetches += 1;
      res.writeHead(200, {
        "Content-Type": "application/json",
        "Cache-Control": "public, max-age=21600",
      });
      res.end(JSON.stringify(jwks));
      return;
    }
    if (req.method === "GET" && req.url === APP_CHECK_TOKEN_PATH) {
      // The web client's custom provider on localhost (web/src/app-check.ts): what
      // reCAPTCHA Enterprise and App Check's exchange give a deployed page.
      const token = signAppCheckToken(appCheckClaims(projectId), privateKey, kid);
      res.writeHead(200, {
        "Content-Type": "application/json",
        "Cache-Control": "no-store",
        "Access-Control-Allow-Origin": "*",
      });
      res.end(JSON.stringify({ token, expireTimeMillis: Date.now() + 3600_000 }));
      return;
    }
    res.writeHead(404).end();
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, LOCALHOST, () => {
      const { port: bound } = server.address() as AddressInfo;
      resolve({
        url: `http://${LOCALHOST}:${bound}${APP_CHECK_JWKS_PATH}`,
        kid,
        mint: (projectId, over) =>
          signAppCheckToken(appCheckClaims(projectId, over), privateKey, kid),
        jwksFetches: () => fetches,
        close: () => new Promise((done) => server.close(() => done())),
      });
    });
  });
}

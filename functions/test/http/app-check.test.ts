/**
 * App Check enforced (APP_CHECK_ENFORCED=true): every operation the table marks
 * `appCheck` refuses a request without a valid X-Firebase-AppCheck token, over HTTPS
 * and as a callable alike; a token the local issuer signed passes; a forged or expired
 * one does not. The emulated functions fetch the issuer's key set (APP_CHECK_JWKS_URL)
 * and verify real signatures. HeyGen's webhook, signed, needs no App Check.
 */
import { expect } from "chai";
import { generateKeyPairSync } from "node:crypto";
import { functionUrl, PROJECT_ID } from "../helpers/env";
import { callFunction } from "../helpers/http";
import { createUser, type TestUser } from "../helpers/auth";
import { appCheckIssuer } from "../helpers/servers";
import { deliverWebhook } from "../helpers/webhook";
import { appCheckClaims, signAppCheckToken } from "../../devtools/app-check-issuer";
import { operationList } from "../../src/api/operations";
import { useStack } from "../helpers/use-stack";

const sample = (path: string) => path.replace(/:([A-Za-z0-9_]+)/g, "x-$1");

async function viaHttps(fn: string, path: string, method: string, headers: Record<string, string>) {
  return callFunction<{ error?: string; message?: string }>(fn, path, {
    method,
    headers,
    body: method === "GET" ? undefined : {},
  });
}

async function viaCallable(name: string, headers: Record<string, string>) {
  const res = await fetch(functionUrl(`${name}_call`), {
    method: "POST",
    headers: { "Content-Type": "application/json", ...headers },
    body: JSON.stringify({ data: {} }),
  });
  return (await res.json()) as {
    result?: unknown;
    error?: { status: string; message: string; details?: { error: string } };
  };
}

describe("App Check, enforced on both surfaces", function () {
  this.timeout(60000);
  useStack({ servers: ["app-check"], params: { APP_CHECK_ENFORCED: "true" } });
  let user: TestUser;
  before(async () => {
    user = await createUser();
  });

  const forged = () => {
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    return signAppCheckToken(appCheckClaims(PROJECT_ID), privateKey, appCheckIssuer().kid);
  };
  const auth = () => ({ Authorization: `Bearer ${user.idToken}` });
  const withToken = (token: string) => ({ ...auth(), "X-Firebase-AppCheck": token });

  for (const [name, entry] of operationList()) {
    if (!entry.appCheck) continue;
    it(`${name}: refused without a token, over HTTPS and as ${name}_call`, async () => {
      const https = await viaHttps(entry.https, sample(entry.path), entry.method, auth());
      expect(https.status, JSON.stringify(https.body)).to.equal(401);
      expect(https.body.error).to.equal("UNAUTHENTICATED");
      expect(https.body.message).to.match(/App Check/);
      const callable = await viaCallable(name, auth());
      expect(callable.error?.status).to.equal("UNAUTHENTICATED");
      expect(callable.error?.details?.error).to.equal("UNAUTHENTICATED");
      expect(callable.error?.message).to.match(/App Check/);
    });
  }

  it("accepts a valid token on both surfaces", async () => {
    const token = appCheckIssuer().mint(PROJECT_ID);
    const https = await viaHttps("me", "/api/me", "GET", withToken(token));
    expect(https.status, JSON.stringify(https.body)).to.equal(200);
    const callable = await viaCallable("me", withToken(token));
    expect(callable.error, JSON.stringify(callable.error)).to.equal(undefined);
    expect(callable.result).to.deep.equal(https.body);
  });

  it("refuses a forged token (App Check's key id, another key) on both surfaces", async () => {
    const token = forged();
    const https = await viaHttps("me", "/api/me", "GET", withToken(token));
    expect(https.status).to.equal(401);
    expect(https.body.error).to.equal("UNAUTHENTICATED");
    const callable = await viaCallable("me", withToken(token));
    expect(callable.error?.details?.error).to.equal("UNAUTHENTICATED");
  });

  it("refuses an expired token and another project's token on both surfaces", async () => {
    const issuer = appCheckIssuer();
    for (const token of [
      issuer.mint(PROJECT_ID, { exp: Math.floor(Date.now() / 1000) - 60 }),
      issuer.mint("another-project"),
    ]) {
      const https = await viaHttps("me", "/api/me", "GET", withToken(token));
      expect(https.status).to.equal(401);
      const callable = await viaCallable("me", withToken(token));
      expect(callable.error?.details?.error).to.equal("UNAUTHENTICATED");
    }
  });

  it("leaves HeyGen's signed webhook alone: no App Check token needed", async () => {
    // An event type the webhook acknowledges without acting on it.
    const res = await deliverWebhook({ event_type: "avatar_video_gif.success", event_data: {} });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body).to.include({ received: true, handled: false });
  });
});

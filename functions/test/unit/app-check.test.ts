/**
 * App Check token verification (src/http/app-check.ts, src/http/jwks.ts) against real
 * RS256 tokens and a real key set served over HTTP by the local issuer
 * (devtools/app-check-issuer.ts).
 */
import { expect } from "chai";
import { generateKeyPairSync } from "node:crypto";
import {
  APP_CHECK_JWKS_PATH,
  APP_CHECK_TOKEN_PATH,
  appCheckClaims,
  signAppCheckToken,
  startAppCheckIssuer,
  type AppCheckIssuer,
} from "../../devtools/app-check-issuer";
import { requireAppCheck, verifyAppCheckToken } from "../../src/http/app-check";
import { clearKeyCache, publicKeyFor } from "../../src/http/jwks";
import type { AppContext } from "../../src/context";
import { rejectedApiError } from "../helpers/api-errors";

const PROJECT = "demo-app-check";

const refusal = (p: Promise<unknown>) => rejectedApiError(p, "the token was accepted");

describe("App Check tokens", () => {
  let issuer: AppCheckIssuer;
  before(async () => {
    issuer = await startAppCheckIssuer(0, PROJECT);
  });
  after(() => issuer.close());
  beforeEach(clearKeyCache);

  const verify = (token: string, projectId = PROJECT, nowMs = Date.now()) =>
    verifyAppCheckToken(token, {
      projectId,
      nowMs,
      keyFor: (kid) => publicKeyFor(issuer.url, kid),
    });

  it("accepts a token App Check's key signed for this project, and names the app", async () => {
    const claims = await verify(issuer.mint(PROJECT));
    expect(claims.appId).to.match(/:web:/);
  });

  it("gives the local web client (any origin) a valid token of its project, for about an hour", async () => {
    const res = await fetch(issuer.url.replace(APP_CHECK_JWKS_PATH, APP_CHECK_TOKEN_PATH));
    expect(res.status).to.equal(200);
    expect(res.headers.get("access-control-allow-origin")).to.equal("*");
    const body = (await res.json()) as { token: string; expireTimeMillis: number };
    expect((await verify(body.token)).appId).to.match(/:web:/);
    expect(body.expireTimeMillis - Date.now()).to.be.within(3500_000, 3600_000);
  });

  it("refuses a forged token: the same claims and key id, signed with another key", async () => {
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const forged = signAppCheckToken(appCheckClaims(PROJECT), privateKey, issuer.kid);
    const err = await refusal(verify(forged));
    expect(err.code).to.equal("UNAUTHENTICATED");
    expect(String((err.cause as Error).message)).to.match(/signature/);
  });

  it("refuses a token whose claims were changed after signing", async () => {
    const [head, , sig] = issuer.mint("another-project").split(".");
    const body = Buffer.from(JSON.stringify(appCheckClaims(PROJECT))).toString("base64url");
    expect((await refusal(verify(`${head}.${body}.${sig}`))).code).to.equal("UNAUTHENTICATED");
  });

  it("refuses another project's token, an expired one, another issuer's, and garbage", async () => {
    const cases = [
      issuer.mint("another-project"),
      issuer.mint(PROJECT, { exp: Math.floor(Date.now() / 1000) - 1 }),
      issuer.mint(PROJECT, { iss: "https://securetoken.google.com/x" }),
      issuer.mint(PROJECT, { sub: "" }),
      "not-a-token",
      "a.b.c",
    ];
    for (const token of cases) {
      expect((await refusal(verify(token))).code, token.slice(0, 40)).to.equal("UNAUTHENTICATED");
    }
  });

  it("refuses a key id the key set does not have, and caches the key set", async () => {
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const before = issuer.jwksFetches();
    await verify(issuer.mint(PROJECT));
    await verify(issuer.mint(PROJECT));
    expect(issuer.jwksFetches() - before).to.equal(1);
    const unknown = signAppCheckToken(appCheckClaims(PROJECT), privateKey, "unknown-kid");
    expect(String((await refusal(verify(unknown))).cause)).to.match(/no App Check key/);
  });

  it("answers 502 when the key set cannot be fetched (not the caller's fault)", async () => {
    const err = await refusal(publicKeyFor("http://127.0.0.1:9/v1/jwks", "k"));
    expect(err.code).to.equal("UPSTREAM_ERROR");
  });

  it("is enforced only with APP_CHECK_ENFORCED on, and then needs the header", async () => {
    const app = (enforced: boolean) =>
      ({
        config: {
          projectId: PROJECT,
          params: { APP_CHECK_ENFORCED: enforced, APP_CHECK_JWKS_URL: issuer.url },
        },
        clock: { now: () => new Date() },
      }) as unknown as AppContext;
    await requireAppCheck(app(false), undefined);
    expect((await refusal(requireAppCheck(app(true), undefined))).code).to.equal("UNAUTHENTICATED");
    await requireAppCheck(app(true), issuer.mint(PROJECT));
  });
});

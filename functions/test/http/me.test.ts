import { expect } from "chai";
import { callFunction } from "../helpers/http";
import { createUser } from "../helpers/auth";
import { db } from "../helpers/admin";
import { POLICY_VERSION } from "../helpers/consent";
import { useStack } from "../helpers/use-stack";

describe("HTTPS round trip through the Functions emulator (me)", () => {
  useStack({ fresh: { firestore: true } });

  it("answers 401 with the design's error body when no token is sent", async () => {
    const res = await callFunction("me", "/api/me");
    expect(res.status).to.equal(401);
    expect(res.body).to.deep.include({ error: "UNAUTHENTICATED" });
    expect((res.body as { message: string }).message).to.match(/Authorization: Bearer/);
  });

  it("answers 401 for a token that is not a Firebase ID token", async () => {
    const res = await callFunction("me", "/api/me", { token: "not-a-token" });
    expect(res.status).to.equal(401);
    expect(res.body).to.deep.include({ error: "UNAUTHENTICATED" });
  });

  it("answers 200 for a signed-in user, with their own state; the old client booleans do not count", async () => {
    const user = await createUser();
    await db().doc(`users/${user.uid}`).set({ age_confirmed: true, consent_selfie: true });
    const res = await callFunction("me", "/api/me", { token: user.idToken });
    expect(res.status).to.equal(200);
    const none = { granted: false, policyVersion: null, grantedAt: null };
    expect(res.body).to.deep.include({
      uid: user.uid,
      ageConfirmed: false,
      consentSelfie: false,
      hasHeygenFolder: false,
      policyVersion: POLICY_VERSION,
      minimumAge: 18,
      consent: { heygen_face: none, heygen_voice: none, avatar_3d: none, speech_timeline: none },
    });
  });

  it("serves the same route at the function's own URL (no Hosting prefix)", async () => {
    const user = await createUser();
    const res = await callFunction("me", "/", { token: user.idToken });
    expect(res.status).to.equal(200);
  });

  it("answers unknown paths with 404 NOT_FOUND and wrong methods with 405", async () => {
    const user = await createUser();
    const missing = await callFunction("me", "/api/me/nothing-here", { token: user.idToken });
    expect(missing.status).to.equal(404);
    expect(missing.body).to.deep.include({ error: "NOT_FOUND" });
    const wrong = await callFunction("me", "/api/me", {
      method: "POST",
      token: user.idToken,
      body: {},
    });
    expect(wrong.status).to.equal(405);
    expect(wrong.headers.get("allow")).to.equal("DELETE, GET");
  });

  it("answers CORS preflights for the web client's origins only", async () => {
    const ok = await callFunction("me", "/api/me", {
      method: "OPTIONS",
      headers: { Origin: "http://localhost:5173", "Access-Control-Request-Method": "GET" },
    });
    expect(ok.status).to.equal(200);
    expect(ok.headers.get("access-control-allow-origin")).to.equal("http://localhost:5173");
    expect(ok.headers.get("access-control-allow-headers")).to.match(/Authorization/);

    const hosting = await callFunction("me", "/api/me", {
      method: "OPTIONS",
      headers: { Origin: "https://demo-masky-test.web.app" },
    });
    expect(hosting.headers.get("access-control-allow-origin")).to.equal(
      "https://demo-masky-test.web.app",
    );

    const other = await callFunction("me", "/api/me", {
      method: "OPTIONS",
      headers: { Origin: "https://evil.example" },
    });
    expect(other.headers.get("access-control-allow-origin")).to.equal(null);
  });
});

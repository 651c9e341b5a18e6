/**
 * The seed's preferences example as written (bindi/earrings, "hinglish", speed -0.05,
 * persona traits as a flat list) through POST/GET /avatar/preferences, what it is
 * stored as, and the 400s that name the field and the accepted values.
 */
import { expect } from "chai";
import { callFunction } from "../helpers/http";
import { createUser, type TestUser } from "../helpers/auth";
import { clearFirestore } from "../helpers/firestore";
import { db } from "../helpers/admin";
import { storedAsset } from "../helpers/avatar";

/** The seed's example request (asset id aside). */
const seedExample = (assetId: string) => ({
  assetId,
  appearance: { skinTone: "#8d5524", hairColor: "#1b1b1b", bindi: true, earrings: "jhumka" },
  voice: { language: "hinglish", pitch: 0, speed: -0.05 },
  persona: { name: "Priya", traits: ["warm", "witty", "curious"] },
});

const post = (user: TestUser, body: unknown) =>
  callFunction<Record<string, unknown>>("avatar_preferences", "/avatar/preferences", {
    method: "POST",
    token: user.idToken,
    body,
  });

async function userWithAsset(assetId: string): Promise<TestUser> {
  const user = await createUser();
  await db().doc(`avatar_assets/${assetId}`).set(storedAsset(user.uid, assetId));
  return user;
}

describe("avatar preferences: the seed's example request", function () {
  this.timeout(30000);
  beforeEach(clearFirestore);

  it("is accepted as written and stored with its language as a locale and its speed as a rate", async () => {
    const user = await userWithAsset("seed-a1");
    const res = await post(user, seedExample("seed-a1"));
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body).to.deep.equal({ ok: true });
    const got = await callFunction<Record<string, unknown>>(
      "avatar_preferences",
      "/avatar/preferences?assetId=seed-a1",
      { token: user.idToken },
    );
    expect(got.status).to.equal(200);
    expect(got.body.appearance).to.deep.equal({
      skinTone: "#8d5524",
      hairColor: "#1b1b1b",
      bindi: true,
      earrings: "jhumka",
    });
    expect(got.body.voice).to.deep.equal({ language: "en-IN", pitch: 0, speed: 0.95 });
    expect(got.body.persona).to.deep.equal({
      name: "Priya",
      traits: ["warm", "witty", "curious"],
    });
  });

  it("keeps the project's own forms: scored traits, a rate, a locale, a body type", async () => {
    const user = await userWithAsset("seed-a2");
    const res = await post(user, {
      assetId: "seed-a2",
      appearance: { bodyType: "male", earrings: false },
      voice: { language: "hi-IN", speed: 1.2 },
      persona: { traits: { warmth: 0.8 } },
    });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    const stored = (await db().doc("preferences/seed-a2").get()).data();
    expect(stored?.voice).to.deep.equal({ language: "hi-IN", pitch: 0, speed: 1.2 });
    expect(stored?.persona).to.deep.equal({ traits: { warmth: 0.8 } });
    expect(stored?.appearance).to.deep.equal({ bodyType: "male", earrings: false });
  });

  for (const [label, patch, field, accepted] of [
    [
      "a language that is neither a locale nor a seed name",
      { voice: { language: "klingon", speed: 1 } },
      "language",
      "hinglish",
    ],
    [
      "a speed that is neither a rate nor a relative change",
      { voice: { language: "en-IN", speed: -0.7 } },
      "speed",
      "0.5 to 2",
    ],
    [
      "an accessory that is not a style",
      { appearance: { bindi: "<img src=x>" } },
      "bindi",
      "true/false",
    ],
    ["a repeated trait", { persona: { traits: ["warm", "Warm"] } }, "traits", "repeat"],
    ["an unknown body type", { appearance: { bodyType: "robot" } }, "bodyType", "female"],
  ] as const) {
    it(`refuses ${label} with 400 naming ${field} and what is accepted`, async () => {
      const user = await userWithAsset("seed-a3");
      const res = await post(user, { ...seedExample("seed-a3"), ...patch });
      expect(res.status).to.equal(400);
      expect(res.body.error).to.equal("INVALID_REQUEST");
      const details = JSON.stringify(res.body.details);
      expect(details).to.contain(field);
      expect(details).to.contain(accepted);
      expect((await db().doc("preferences/seed-a3").get()).exists).to.equal(false);
    });
  }
});

/**
 * The preference forms beyond the seed's own example (which test/seed/ sends as the
 * seed file writes it): skin and hair colours, a persona with a name and traits as a
 * list of words or as scores under `traits`, a body type; pitch and speed as relative
 * offsets; documents written before offsets read as offsets; and the 400s that name
 * the field and what is accepted.
 */
import { expect } from "chai";
import { callFunction } from "../helpers/http";
import { createUser, type TestUser } from "../helpers/auth";
import { db } from "../helpers/admin";
import { storedAsset } from "../helpers/avatar";
import { useStack } from "../helpers/use-stack";

/** Richer than the seed: colours, a name, traits as words. */
const richerExample = (assetId: string) => ({
  assetId,
  appearance: { skinTone: "#8d5524", hairColor: "#1b1b1b", bindi: true, earrings: "jhumka" },
  voice: { language: "hinglish", pitch: -0.1, speed: 0.25 },
  persona: { name: "Priya", traits: ["warm", "witty", "curious"] },
});

const post = (user: TestUser, body: unknown) =>
  callFunction<Record<string, unknown>>("avatar_preferences", "/avatar/preferences", {
    method: "POST",
    token: user.idToken,
    body,
  });

const read = (user: TestUser, assetId: string) =>
  callFunction<Record<string, unknown>>(
    "avatar_preferences",
    `/avatar/preferences?assetId=${assetId}`,
    { token: user.idToken },
  );

async function userWithAsset(assetId: string): Promise<TestUser> {
  const user = await createUser();
  await db().doc(`avatar_assets/${assetId}`).set(storedAsset(user.uid, assetId));
  return user;
}

describe("avatar preferences: the forms beyond the seed's example", function () {
  this.timeout(30000);
  useStack({ fresh: { firestore: true } });

  it("colours, a named persona with traits as words, offsets: stored as sent, the language as a locale", async () => {
    const user = await userWithAsset("forms-a1");
    const res = await post(user, richerExample("forms-a1"));
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body).to.deep.equal({ ok: true });
    const got = await read(user, "forms-a1");
    expect(got.status).to.equal(200);
    expect(got.body.appearance).to.deep.equal(richerExample("x").appearance);
    expect(got.body.voice).to.deep.equal({ language: "en-IN", pitch: -0.1, speed: 0.25 });
    expect(got.body.persona).to.deep.equal({
      name: "Priya",
      traits: ["warm", "witty", "curious"],
    });
    const stored = (await db().doc("preferences/forms-a1").get()).data();
    expect(stored?.voice_units).to.equal("relative");
  });

  it("keeps the project's own forms: scores under traits, a locale, a body type; pitch and speed default to 0", async () => {
    const user = await userWithAsset("forms-a2");
    const res = await post(user, {
      assetId: "forms-a2",
      appearance: { bodyType: "male", earrings: false },
      voice: { language: "hi-IN" },
      persona: { traits: { warmth: 0.8 } },
    });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    const stored = (await db().doc("preferences/forms-a2").get()).data();
    expect(stored?.voice).to.deep.equal({ language: "hi-IN", pitch: 0, speed: 0 });
    expect(stored?.persona).to.deep.equal({ traits: { warmth: 0.8 } });
    expect(stored?.appearance).to.deep.equal({ bodyType: "male", earrings: false });
  });

  it("a document written before offsets (speed a rate, pitch in semitones) is read as offsets", async () => {
    const user = await userWithAsset("forms-old");
    await db()
      .doc("preferences/forms-old")
      .set({
        user_id: user.uid,
        asset_id: "forms-old",
        voice: { language: "de-DE", pitch: 12, speed: 0.95 },
        updated_at: new Date(),
      });
    const got = await read(user, "forms-old");
    expect(got.status).to.equal(200);
    expect(got.body.voice).to.deep.equal({ language: "de-DE", pitch: 1, speed: -0.05 });
  });

  for (const [label, patch, field, accepted] of [
    [
      "a language that is neither a locale nor a seed name",
      { voice: { language: "klingon", speed: 0 } },
      "language",
      "hinglish",
    ],
    [
      "a speed below half the natural speed",
      { voice: { language: "en-IN", speed: -0.7 } },
      "speed",
      "-0.5 to 1",
    ],
    [
      "a pitch in semitones (the form before offsets)",
      { voice: { language: "en-IN", pitch: -2 } },
      "pitch",
      "-0.5 to 1",
    ],
    [
      "an accessory that is not a style",
      { appearance: { bindi: "<img src=x>" } },
      "bindi",
      "true/false",
    ],
    ["a repeated trait", { persona: { traits: ["warm", "Warm"] } }, "traits", "repeat"],
    [
      "a score given both at the top level and under traits",
      { persona: { warmth: 0.8, traits: { warmth: 0.2 } } },
      "warmth",
      "send it once",
    ],
    [
      "an unknown top-level persona trait",
      { persona: { charisma: 0.5 } },
      "charisma",
      "unrecognized",
    ],
    ["an unknown body type", { appearance: { bodyType: "robot" } }, "bodyType", "female"],
  ] as const) {
    it(`refuses ${label} with 400 naming ${field} and what is accepted`, async () => {
      const user = await userWithAsset("forms-a3");
      const res = await post(user, { ...richerExample("forms-a3"), ...patch });
      expect(res.status).to.equal(400);
      expect(res.body.error).to.equal("INVALID_REQUEST");
      const details = JSON.stringify(res.body.details);
      expect(details).to.contain(field);
      expect(details.toLowerCase()).to.contain(accepted.toLowerCase());
      expect((await db().doc("preferences/forms-a3").get()).exists).to.equal(false);
    });
  }
});

/**
 * Ownership of upstream ids: `heygenAvatarId` must be public or the caller's own
 * look; the avatar listing never shows another user's face (v2's `/v2/avatars`
 * returns every talking photo in the account).
 */
import { expect } from "chai";
import { randomUUID } from "node:crypto";
import { callFunction } from "../helpers/http";
import { db } from "../helpers/admin";
import { testContext } from "../helpers/context";
import { consentingUser, grantConsentToUid } from "../helpers/consent";
import { heygenSim } from "../helpers/servers";
import { generateVideo } from "../../src/services/heygen/generate-video";
import { avatarsFor } from "../../src/services/heygen/listings";
import { createHeygenClient } from "../../src/clients/heygen";
import { SIMULATED_SECRETS } from "../../devtools/stack-env";
import { projectWithVoice } from "../helpers/projects";
import { useStack } from "../helpers/use-stack";

const project = (uid: string, photo: number | null) => projectWithVoice(uid, photo, "ownership");

const ownLook = async (uid: string): Promise<string> =>
  (await db().collection(`users/${uid}/heygenAvatarGroups`).get()).docs[0].get(
    "talking_photo_id",
  ) as string;

describe("ownership of HeyGen avatar ids", function () {
  this.timeout(60000);
  useStack({ servers: ["storage", "heygen"], fresh: { firestore: true, heygen: true } });

  it("another user's look id in generate is 404 and never reaches HeyGen; the owner may use it", async () => {
    const owner = await consentingUser();
    const first = await callFunction<{ videoId: string }>("generate", "/api/heygen/generate", {
      method: "POST",
      token: owner.idToken,
      body: { projectId: await project(owner.uid, 11) },
    });
    expect(first.status).to.equal(200);
    const lookId = await ownLook(owner.uid);

    const other = await consentingUser();
    heygenSim().reset();
    const stolen = await callFunction<{ error: string; message: string }>(
      "generate",
      "/api/heygen/generate",
      {
        method: "POST",
        token: other.idToken,
        body: { projectId: await project(other.uid, null), heygenAvatarId: lookId },
      },
    );
    expect(stolen.status).to.equal(404);
    expect(stolen.body.error).to.equal("NOT_FOUND");
    expect(stolen.body.message).to.match(/GET \/api\/heygen\/avatars/);
    // Only the public catalogue was read; nothing was uploaded or created.
    expect(heygenSim().calls.map((c) => `${c.method} ${c.path}`)).to.deep.equal([
      "GET /v3/avatars/looks",
    ]);

    const made = await callFunction<{ error: string }>("generate", "/api/heygen/generate", {
      method: "POST",
      token: other.idToken,
      body: { projectId: await project(other.uid, null), heygenAvatarId: "no-such-avatar" },
    });
    expect(made.status).to.equal(404);

    const own = await callFunction<{ videoId: string }>("generate", "/api/heygen/generate", {
      method: "POST",
      token: owner.idToken,
      body: { projectId: await project(owner.uid, null), heygenAvatarId: lookId },
    });
    expect(own.status, JSON.stringify(own.body)).to.equal(200);
  });

  it("v2: the listing shows the public avatars and the caller's own talking photo, never another user's", async () => {
    const app = testContext({ apiVersion: "v2", fallback: "" });
    const alice = `v2a-${randomUUID().slice(0, 6)}`;
    const bob = `v2b-${randomUUID().slice(0, 6)}`;
    await grantConsentToUid(alice);
    await grantConsentToUid(bob);
    await generateVideo(app, alice, { projectId: await project(alice, 12) });
    await generateVideo(app, bob, { projectId: await project(bob, 13) });
    const aliceLook = (
      await db().collection(`users/${alice}/heygenAvatarGroups`).get()
    ).docs[0].get("talking_photo_id") as string;
    const bobLook = (await db().collection(`users/${bob}/heygenAvatarGroups`).get()).docs[0].get(
      "talking_photo_id",
    ) as string;

    // HeyGen's own listing has both faces: the filter is what keeps them apart.
    const upstream = await createHeygenClient(
      app.config.heygen,
      SIMULATED_SECRETS.HEYGEN_API_KEY,
    ).listAvatars();
    expect(upstream.map((a) => a.id)).to.include.members([aliceLook, bobLook]);

    const { items } = await avatarsFor(app, alice);
    const ids = items.map((a) => a.id);
    expect(ids).to.include(aliceLook);
    expect(ids).to.not.include(bobLook);
    expect(ids).to.include.members(["Daisy-inskirt-20220818", "Tyler-incasualsuit-20220721"]);
    expect(items.filter((a) => a.type === "talking_photo").map((a) => a.id)).to.deep.equal([
      aliceLook,
    ]);
    // The shared cache holds public avatars only.
    const cached = (await db().doc("heygen_cache/v2-avatars").get()).get("items") as {
      type: string;
    }[];
    expect(cached.every((a) => a.type === "avatar")).to.equal(true);
  });

  it("GET /api/heygen/avatars (v3) lists the caller's own looks with the public catalogue", async () => {
    const user = await consentingUser();
    await callFunction("generate", "/api/heygen/generate", {
      method: "POST",
      token: user.idToken,
      body: { projectId: await project(user.uid, 14) },
    });
    const lookId = await ownLook(user.uid);
    const other = await consentingUser();
    const mine = await callFunction<{ avatars: { id: string }[] }>(
      "avatars",
      "/api/heygen/avatars",
      {
        token: user.idToken,
      },
    );
    expect(mine.body.avatars.map((a) => a.id)).to.include(lookId);
    const theirs = await callFunction<{ avatars: { id: string }[] }>(
      "avatars",
      "/api/heygen/avatars",
      { token: other.idToken },
    );
    expect(theirs.body.avatars.map((a) => a.id)).to.not.include(lookId);
    expect(theirs.headers.get("cache-control")).to.equal("private, no-store");
  });
});

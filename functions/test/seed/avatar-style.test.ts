/**
 * The seed's `avatarStyle` reaches HeyGen where HeyGen has an equivalent, or is refused
 * with a 400 naming the field and the accepted values before anything is sent: v2
 * `avatar_style` of a public avatar, v2 `talking_photo_style` of a photo look (the
 * user's new look, or their own look named by heygenAvatarId), and on v3 only `normal`.
 * The simulator checks the field like HeyGen and records it on the video.
 */
import { expect } from "chai";
import { randomUUID } from "node:crypto";
import { generateVideo } from "../../src/services/heygen/generate-video";
import type { GenerateInput } from "../../src/services/heygen/generate-steps";
import { ApiError } from "../../src/errors";
import { db } from "../helpers/admin";
import { callFunction } from "../helpers/http";
import { testContext } from "../helpers/context";
import { consentingUser, grantConsentToUid } from "../helpers/consent";
import { projectWithVoice } from "../helpers/projects";
import { heygenSim } from "../helpers/servers";
import { submitted } from "../helpers/videos";
import { useStack } from "../helpers/use-stack";

const PUBLIC_AVATAR = "Daisy-inskirt-20220818";

async function v2User(): Promise<string> {
  const uid = `st-${randomUUID().slice(0, 8)}`;
  await grantConsentToUid(uid);
  return uid;
}

const v2Generate = (uid: string, input: GenerateInput) =>
  generateVideo(testContext({ apiVersion: "v2", fallback: "" }), uid, input).then(submitted);

const framingOf = (videoId: string) => heygenSim().model.videos.get(videoId)?.framing ?? null;

describe("avatarStyle: honoured where HeyGen has it, refused by name where it has not", function () {
  this.timeout(60000);
  useStack({ servers: ["storage", "heygen"], fresh: { firestore: true, heygen: true } });

  it("v2, a public avatar: every style reaches HeyGen as avatar_style", async () => {
    const uid = await v2User();
    for (const style of ["normal", "closeUp", "circle"] as const) {
      const res = await v2Generate(uid, {
        projectId: await projectWithVoice(uid, null),
        heygenAvatarId: PUBLIC_AVATAR,
        avatarStyle: style,
      });
      expect(framingOf(res.videoId)).to.deep.equal({ field: "avatar_style", value: style });
    }
  });

  it("v2, the user's photo look: circle and normal reach HeyGen as talking_photo_style circle / square", async () => {
    const uid = await v2User();
    const circle = await v2Generate(uid, {
      projectId: await projectWithVoice(uid, 51),
      avatarStyle: "circle",
    });
    expect(framingOf(circle.videoId)).to.deep.equal({
      field: "talking_photo_style",
      value: "circle",
    });
    const normal = await v2Generate(uid, {
      projectId: await projectWithVoice(uid, 51),
      avatarStyle: "normal",
    });
    expect(framingOf(normal.videoId)).to.deep.equal({
      field: "talking_photo_style",
      value: "square",
    });
    const unstyled = await v2Generate(uid, { projectId: await projectWithVoice(uid, 51) });
    expect(framingOf(unstyled.videoId), "nothing asked, nothing sent").to.equal(null);
  });

  it("v2, the user's own look named by heygenAvatarId is a talking_photo (not an avatar), framed as asked", async () => {
    const uid = await v2User();
    await v2Generate(uid, { projectId: await projectWithVoice(uid, 52) });
    const looks = await db().collection(`users/${uid}/heygenAvatarGroups`).get();
    const lookId = looks.docs[0].get("talking_photo_id") as string;
    heygenSim().calls.length = 0;
    const res = await v2Generate(uid, {
      projectId: await projectWithVoice(uid, null),
      heygenAvatarId: lookId,
      avatarStyle: "circle",
    });
    const create = heygenSim().calls.find((c) => c.path === "/v2/video/generate");
    const body = create?.body as { video_inputs: { character: Record<string, unknown> }[] };
    expect(body.video_inputs[0].character).to.deep.equal({
      type: "talking_photo",
      talking_photo_id: lookId,
      talking_photo_style: "circle",
    });
    expect(heygenSim().model.videos.get(res.videoId)?.imageFile).to.be.a("string");
  });

  it("v2, a photo look close up: 400 naming avatarStyle and normal, circle; nothing reaches HeyGen", async () => {
    const uid = await v2User();
    const err = await generateVideo(testContext({ apiVersion: "v2" }), uid, {
      projectId: await projectWithVoice(uid, 53),
      avatarStyle: "closeUp",
    }).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(ApiError);
    expect((err as ApiError).code).to.equal("INVALID_REQUEST");
    expect((err as ApiError).details).to.deep.equal([
      {
        path: "avatarStyle",
        message: (err as ApiError).message.replace(/^avatarStyle: /, ""),
        code: "custom",
        accepted: ["normal", "circle"],
      },
    ]);
    expect(heygenSim().calls).to.deep.equal([]);
  });

  it("v3 over HTTP: normal is what every v3 video is (no field sent); closeUp and circle are 400 naming avatarStyle", async () => {
    const user = await consentingUser();
    const ok = await callFunction<{ videoId: string }>("generate", "/api/heygen/generate", {
      method: "POST",
      token: user.idToken,
      body: { projectId: await projectWithVoice(user.uid, 54), avatarStyle: "normal" },
    });
    expect(ok.status, JSON.stringify(ok.body)).to.equal(200);
    const create = heygenSim().calls.find((c) => c.path === "/v3/videos");
    expect(create?.body).to.not.have.any.keys("avatar_style", "talking_photo_style");

    heygenSim().reset();
    for (const style of ["closeUp", "circle"]) {
      const res = await callFunction<{ error: string; details: unknown }>(
        "generate",
        "/api/heygen/generate",
        {
          method: "POST",
          token: user.idToken,
          body: { projectId: await projectWithVoice(user.uid, 55), avatarStyle: style },
        },
      );
      expect(res.status).to.equal(400);
      expect(res.body.error).to.equal("INVALID_REQUEST");
      expect(res.body.details).to.deep.include.members([
        {
          path: "avatarStyle",
          message: `"${style}" cannot be honoured: HeyGen's v3 API has no framing for an avatar (POST /v3/videos frames every avatar the same, normal, way). Accepted here: normal.`,
          code: "custom",
          accepted: ["normal"],
        },
      ]);
    }
    expect(heygenSim().calls, "refused before any HeyGen call").to.deep.equal([]);
  });

  it("the simulator refuses what HeyGen would: a v2 style of the other character, v2 framing on v3", async () => {
    const sim = heygenSim();
    const post = (path: string, body: unknown) =>
      fetch(`${sim.apiUrl}${path}`, {
        method: "POST",
        headers: { "X-Api-Key": sim.apiKey, "Content-Type": "application/json" },
        body: JSON.stringify(body),
      });
    const v2 = await post("/v2/video/generate", {
      video_inputs: [
        {
          character: { type: "avatar", avatar_id: PUBLIC_AVATAR, talking_photo_style: "circle" },
          voice: { type: "audio", audio_url: "https://example.invalid/a.mp3" },
        },
      ],
    });
    expect(v2.status).to.equal(400);
    expect(JSON.stringify(await v2.json())).to.contain("talking_photo_style");
    const v3 = await post("/v3/videos", {
      type: "avatar",
      avatar_id: PUBLIC_AVATAR,
      avatar_style: "circle",
    });
    expect(v3.status).to.equal(400);
    expect(JSON.stringify(await v3.json())).to.contain("avatar_style");
  });
});

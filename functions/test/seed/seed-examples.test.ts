/**
 * The seeds' examples, read out of the seed files (never retyped), sent as written over
 * real HTTP to the emulated functions: placeholders (`<projectId>`, `"abc"`, `:jobId`,
 * `<heygen_video_id>`) become real ids of the test's own user, nothing else changes
 * (checked: the body sent, with the placeholders put back, equals the example). Each
 * documented response is compared with what the endpoint returns (same keys and
 * types), and the seed's viseme map with the one served. What each gets is listed in
 * seed-examples.ts, which docs/seed-examples.md is generated from.
 */
import { expect } from "chai";
import { readFileSync } from "node:fs";
import path from "node:path";
import { callFunction } from "../helpers/http";
import { functionUrl } from "../helpers/env";
import { consentingUser, sweepUntilTerminal } from "../helpers/avatar";
import type { TestUser } from "../helpers/auth";
import { db } from "../helpers/admin";
import { projectWithVoice } from "../helpers/projects";
import { heygenSim } from "../helpers/servers";
import { photoJpeg } from "../fixtures/media";
import { REPO_ROOT } from "../../devtools/repo-root";
import { arkitWeights } from "../../src/services/avatar/blendshapes";
import { optionVariants, type SeedExample } from "./seed-files";
import { seedExamples, unlistedExamples } from "./seed-examples";
import { useStack } from "../helpers/use-stack";

const H = "heygen-integration-flow.txt";
const P = "photoreal-avatar-api.txt";

function example(id: string): SeedExample {
  const found = seedExamples().find((e) => e.id === `${id}`);
  if (!found) throw new Error(`the seed has no example ${id}`);
  return found;
}

/** The example's text with its placeholders filled, parsed; and proof nothing else changed. */
function filled(e: SeedExample, values: Record<string, string>): Record<string, unknown> {
  let text = e.text;
  for (const [placeholder, value] of Object.entries(values)) {
    expect(text, `${e.id} holds ${placeholder}`).to.contain(placeholder);
    text = text.split(placeholder).join(value);
  }
  let back = text;
  for (const [placeholder, value] of Object.entries(values))
    back = back.split(value).join(placeholder);
  expect(back, "only the placeholders were replaced").to.equal(e.text);
  return JSON.parse(text) as Record<string, unknown>;
}

/**
 * The documented response's keys are in the answer with the same JSON types; a string
 * written as `a|b|c` lists the values the answer may take.
 */
function expectSameShape(documented: unknown, actual: unknown, where: string): void {
  expect(actual, where).to.be.an("object");
  for (const [key, value] of Object.entries(documented as Record<string, unknown>)) {
    const got = (actual as Record<string, unknown>)[key];
    expect(got, `${where}: ${key}`).to.not.equal(undefined);
    expect(typeof got, `${where}: ${key}'s type`).to.equal(typeof value);
    if (typeof value === "string" && value.includes("|"))
      expect(value.split("|"), `${where}: ${key}`).to.include(got);
  }
}

const post = (user: TestUser, fn: string, p: string, body: unknown) =>
  callFunction<Record<string, unknown>>(fn, p, { method: "POST", token: user.idToken, body });

async function postSelfie(user: TestUser, options: Record<string, string>, variant: number) {
  const form = new FormData();
  const selfie = readFileSync(await photoJpeg(variant));
  form.append("file", new Blob([selfie], { type: "image/jpeg" }), "selfie.jpg");
  form.append("options", JSON.stringify(options));
  const res = await fetch(functionUrl("avatar_jobs", "/avatar/jobs"), {
    method: "POST",
    headers: { Authorization: `Bearer ${user.idToken}` },
    body: form,
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe("the seeds' examples as written, over HTTP", function () {
  this.timeout(120000);
  useStack({
    servers: ["storage", "heygen"],
    provider: "avatar-sdk",
    fresh: { firestore: true, heygen: true, per: "suite" },
    cleanAfter: { heygen: true, per: "suite" },
  });

  it("every example of both seeds has its outcome listed, and every listed one is in a seed", () => {
    expect(unlistedExamples()).to.deep.equal({ unlisted: [], gone: [] });
  });

  describe(`${H}`, () => {
    let user: TestUser;
    let videoId = "";
    before(async () => {
      user = await consentingUser();
    });

    it("POST /api/heygen/generate (minimal): 200, the answer shaped as the seed's Response", async () => {
      const projectId = await projectWithVoice(user.uid, 61, "seed minimal");
      const body = filled(example(`${H}: POST /api/heygen/generate request (minimal)`), {
        "<projectId>": projectId,
      });
      const res = await post(user, "generate", "/api/heygen/generate", body);
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      const documented = example(`${H}: POST /api/heygen/generate response`).json;
      expectSameShape(documented, res.body, "generate");
      expect(res.body.fallbackAvatarUsed).to.equal(false);
      videoId = res.body.videoId as string;
      expect(heygenSim().model.videos.get(videoId)?.imageFile, "the user's look").to.be.a("string");
    });

    it("POST /api/heygen/generate (explicit): 400 naming voiceUrl, an address outside the user's Storage", async () => {
      const e = example(`${H}: POST /api/heygen/generate request (explicit)`);
      const projectId = await projectWithVoice(user.uid, 62, "seed explicit");
      const videosBefore = heygenSim().model.videos.size;
      const res = await post(
        user,
        "generate",
        "/api/heygen/generate",
        filled(e, { "<projectId>": projectId }),
      );
      expect(res.status, JSON.stringify(res.body)).to.equal(400);
      expect(res.body.error).to.equal("INVALID_REQUEST");
      expect((res.body.details as { path: string }[])[0].path).to.equal("voiceUrl");
      expect(res.body.message).to.contain("other URLs are not fetched");
      expect(heygenSim().model.videos.size).to.equal(videosBefore);

      // The photo's address is refused for the same reason once the voice is the user's own.
      const project = (await db().doc(`projects/${projectId}`).get()).data() ?? {};
      const own = { ...(e.json as Record<string, unknown>), projectId, voiceUrl: project.voiceUrl };
      const photo = await post(user, "generate", "/api/heygen/generate", own);
      expect(photo.status).to.equal(400);
      expect((photo.body.details as { path: string }[])[0].path).to.equal("userAvatarUrl");

      // With the user's own uploads in place of both elided URLs, the rest as written: 200.
      const ok = await post(user, "generate", "/api/heygen/generate", {
        ...own,
        userAvatarUrl: project.avatarUrl,
      });
      expect(ok.status, JSON.stringify(ok.body)).to.equal(200);
      expectSameShape(
        example(`${H}: POST /api/heygen/generate response`).json,
        ok.body,
        "generate",
      );
    });

    it("GET /api/heygen/video_status.get?video_id=<heygen_video_id>: 200 with the video's status", async () => {
      const e = example(`${H}: GET /api/heygen/video_status.get request`);
      const [method, target] = e.text.trim().split(" ");
      expect(method).to.equal("GET");
      expect(target).to.contain("<heygen_video_id>");
      const res = await callFunction<Record<string, unknown>>(
        "video_status",
        target.replace("<heygen_video_id>", encodeURIComponent(videoId)),
        { token: user.idToken },
      );
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      expect(res.body).to.include({ videoId });
      expect(res.body.status).to.be.a("string");
    });
  });

  describe(`${P}`, () => {
    let user: TestUser;
    const assets: string[] = [];
    before(async () => {
      user = await consentingUser();
    });

    it("POST /avatar/jobs with each listed option set: 202 {jobId}; GET /avatar/jobs/:jobId shaped as the seed's", async () => {
      const variants = optionVariants(example(`${P}: POST /avatar/jobs request (options)`).text);
      expect(variants.map((v) => v.blendshapes)).to.deep.equal(["arkit", "basic"]);
      for (const [n, options] of variants.entries()) {
        const res = await postSelfie(user, options, 63 + n);
        expect(res.status, JSON.stringify(res.body)).to.equal(202);
        expectSameShape(example(`${P}: POST /avatar/jobs response 202`).json, res.body, "jobs");
        const jobId = res.body.jobId as string;
        expect((await sweepUntilTerminal(jobId)).at(-1)?.status).to.equal("done");
        const status = await callFunction<Record<string, unknown>>(
          "avatar_jobs",
          `/avatar/jobs/${encodeURIComponent(jobId)}`,
          { token: user.idToken },
        );
        expect(status.status).to.equal(200);
        const documented = example(`${P}: GET /avatar/jobs/:jobId response 200`).json;
        expectSameShape(documented, status.body, "job status");
        assets.push(status.body.assetId as string);
      }
    });

    it("GET /avatar/assets/:assetId: shaped as the seed's {url, expiresIn: 3600}", async () => {
      for (const assetId of assets) {
        const res = await callFunction<Record<string, unknown>>(
          "avatar_assets",
          `/avatar/assets/${encodeURIComponent(assetId)}`,
          { token: user.idToken },
        );
        expect(res.status).to.equal(200);
        const documented = example(`${P}: GET /avatar/assets/:assetId response 200`).json;
        expectSameShape(documented, res.body, "asset");
        expect(res.body.expiresIn).to.equal(3600);
        expect(res.body.url).to.contain(`avatars/${assetId}/model.glb`);
      }
    });

    it("the viseme map served is the seed's as written (mouthSmile as both sides)", async () => {
      const seedMap = example(`${P}: Blendshape/Viseme Mapping (example JSON) map`).json as Record<
        string,
        [string, number][]
      >;
      for (const assetId of assets) {
        const res = await callFunction<{ visemeMix: string; visemes: Record<string, unknown> }>(
          "avatar_assets",
          `/avatar/assets/${encodeURIComponent(assetId)}`,
          { token: user.idToken },
        );
        expect(res.body.visemeMix).to.equal("seed");
        expect(Object.keys(res.body.visemes).sort()).to.deep.equal(Object.keys(seedMap).sort());
        for (const [group, shapes] of Object.entries(seedMap)) {
          const served = (res.body.visemes[group] as { arkit: Record<string, number> }).arkit;
          expect(served, group).to.deep.equal(arkitWeights(shapes));
        }
        const e = (res.body.visemes.E as { arkit: Record<string, number> }).arkit;
        expect(e).to.deep.equal({ mouthSmileLeft: 0.6, mouthSmileRight: 0.6, jawOpen: 0.2 });
      }
    });

    it("POST /avatar/preferences as written: 200 {ok: true}, read back as the seed means it", async () => {
      const e = example(`${P}: POST /avatar/preferences request`);
      const assetId = assets[0];
      const body = filled(e, { '"abc"': JSON.stringify(assetId) });
      const res = await post(user, "avatar_preferences", "/avatar/preferences", body);
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      expect(res.body).to.deep.equal(example(`${P}: POST /avatar/preferences response 200`).json);
      const got = await callFunction<Record<string, unknown>>(
        "avatar_preferences",
        `/avatar/preferences?assetId=${encodeURIComponent(assetId)}`,
        { token: user.idToken },
      );
      const sent = e.json as Record<string, Record<string, unknown>>;
      expect(got.body.appearance).to.deep.equal(sent.appearance);
      expect(got.body.voice).to.deep.equal({ ...sent.voice, language: "en-IN" });
      expect(got.body.persona).to.deep.equal(sent.persona);
    });

    it("the frontend loader snippet is what the web client's viewer does", () => {
      const e = example(`${P}: Frontend Loader (reference snippet) snippet`);
      expect(e.text).to.contain("new GLTFLoader()");
      const viewer = readFileSync(path.join(REPO_ROOT, "web/src/avatar/viewer.ts"), "utf8");
      expect(viewer).to.contain("new GLTFLoader().loadAsync(asset.url)");
      expect(viewer).to.contain("morphTargetDictionary");
    });
  });
});

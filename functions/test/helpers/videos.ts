/** A project with a recorded voice, its video started through `generate`, and the simulator's render. */
import { randomUUID } from "node:crypto";
import { expect } from "chai";
import { callFunction } from "./http";
import type { TestUser } from "./auth";
import { db } from "./admin";
import { uploadFile } from "./storage";
import { heygenSim } from "./servers";
import { waitUntil } from "./wait";
import { voiceWebm } from "../fixtures/media";
import type { GenerateAnswer, GenerateResult } from "../../src/services/heygen/generate-video";

export async function startVideo(user: TestUser): Promise<{ projectId: string; videoId: string }> {
  const projectId = `p-${randomUUID().slice(0, 8)}`;
  const voiceUrl = await uploadFile(
    await voiceWebm(),
    `users/${user.uid}/${projectId}.webm`,
    "audio/webm",
  );
  await db()
    .doc(`projects/${projectId}`)
    .set({ userId: user.uid, name: `Project ${projectId}`, voiceUrl });
  const res = await callFunction<{ videoId: string }>("generate", "/api/heygen/generate", {
    method: "POST",
    token: user.idToken,
    body: { projectId },
  });
  expect(res.status, JSON.stringify(res.body)).to.equal(200);
  return { projectId, videoId: res.body.videoId };
}

/** Waits until the simulator has finished (or failed) the render of this video; throws past 15 s. */
export async function waitForRender(videoId: string): Promise<void> {
  const sim = heygenSim();
  const video = sim.model.videos.get(videoId);
  if (!video) throw new Error(`the HeyGen simulator has no video ${videoId}`);
  await waitUntil(
    () => ["completed", "failed"].includes(sim.model.videoStatus(video)),
    `the render of ${videoId}`,
  );
}

/** The answer of a generate that created its video inline (not deferred: 202 preparing). */
export function submitted(answer: GenerateAnswer): GenerateResult {
  if (answer.videoId === null) {
    throw new Error(`generate deferred (${answer.status}) where the test expects a video id`);
  }
  return answer;
}

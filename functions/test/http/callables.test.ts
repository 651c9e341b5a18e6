/**
 * The callables over the callable protocol (POST {data} → {result} | {error}), as the
 * Firebase Web SDK sends them: same validation and error codes as the HTTPS handlers.
 */
import { expect } from "chai";
import { functionUrl } from "../helpers/env";
import { createUser, type TestUser } from "../helpers/auth";
import { useServers } from "../helpers/servers";

interface CallableReply {
  result?: unknown;
  error?: { status: string; message: string; details?: { error: string; details?: unknown } };
}

async function invoke(name: string, data: unknown, token?: string): Promise<CallableReply> {
  const res = await fetch(functionUrl(name), {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ data }),
  });
  return (await res.json()) as CallableReply;
}

describe("callables (onCall): thin wrappers with the project's error codes", function () {
  this.timeout(30000);
  useServers("heygen");
  let user: TestUser;
  before(async () => {
    user = await createUser();
  });

  it("refuses a caller without an ID token: UNAUTHENTICATED in the details", async () => {
    const reply = await invoke("video_status_call", { video_id: "v1" });
    expect(reply.error?.status).to.equal("UNAUTHENTICATED");
    expect(reply.error?.details?.error).to.equal("UNAUTHENTICATED");
  });

  it("validates with the HTTPS handler's zod schema: INVALID_REQUEST with the issues", async () => {
    const reply = await invoke("generate_call", { projectId: "", extra: 1 }, user.idToken);
    expect(reply.error?.status).to.equal("INVALID_ARGUMENT");
    expect(reply.error?.details?.error).to.equal("INVALID_REQUEST");
    expect(reply.error?.details?.details).to.be.an("array").with.length.greaterThan(0);
  });

  it("carries service errors: someone else's or a missing project is NOT_FOUND", async () => {
    const reply = await invoke("generate_call", { projectId: "no-such-project" }, user.idToken);
    expect(reply.error?.details?.error).to.equal("NOT_FOUND");
    expect(reply.error?.message).to.match(/not found/i);
  });

  it("video_status_call answers NOT_FOUND for a video the caller does not own", async () => {
    const reply = await invoke("video_status_call", { video_id: "unknown-video" }, user.idToken);
    expect(reply.error?.details?.error).to.equal("NOT_FOUND");
  });

  it("lists HeyGen voices and avatars from the same cached service", async () => {
    const voices = await invoke("voices_call", {}, user.idToken);
    expect((voices.result as { voices: unknown[] }).voices)
      .to.be.an("array")
      .with.length.greaterThan(0);
    const avatars = await invoke("avatars_call", {}, user.idToken);
    expect((avatars.result as { avatars: unknown[] }).avatars)
      .to.be.an("array")
      .with.length.greaterThan(0);
  });

  it("preferences: an asset that is not the caller's is NOT_FOUND, as over HTTPS", async () => {
    const save = await invoke(
      "save_preferences_call",
      { assetId: "not-mine", voice: { language: "en-US" } },
      user.idToken,
    );
    expect(save.error?.details?.error).to.equal("NOT_FOUND");
    const read = await invoke("get_preferences_call", {}, user.idToken);
    expect(read.error?.details?.error).to.equal("INVALID_REQUEST");
  });
});

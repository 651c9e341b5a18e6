/**
 * `GET /v1/video.list` (HeyGen's video listing) at the simulator and through the v2 client:
 * the v1 envelope, `limit` 0–100, the folder filter, `data.token` until null, and the
 * bounded title lookup a v2 retry uses after an ambiguous create.
 */
import { expect } from "chai";
import { startHeygenSim, type HeygenSim } from "../../devtools/heygen-sim/server";
import { createHeygenClient } from "../../src/clients/heygen";
import { HeygenV2Client } from "../../src/clients/heygen/v2";
import { addListedVideos } from "../helpers/sim-videos";

const noSleep = async () => undefined;

function client(sim: HeygenSim, apiVersion: "v2" | "v3") {
  return createHeygenClient(
    { apiVersion, apiBaseUrl: sim.apiUrl, uploadBaseUrl: sim.uploadUrl },
    sim.apiKey,
    { sleep: noSleep, timeoutMs: 2000 },
  );
}

async function list(sim: HeygenSim, query: string) {
  const res = await fetch(`${sim.apiUrl}/v1/video.list?${query}`, {
    headers: { "X-Api-Key": sim.apiKey },
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe("HeyGen video list (v1) and the v2 title lookup", function () {
  this.timeout(30000);
  let sim: HeygenSim;
  let folder: string;
  let ids: string[];

  before(async () => {
    sim = await startHeygenSim({ timings: { videoPendingMs: 0, videoProcessingMs: 0 } });
    folder = "f".repeat(32);
    sim.model.folders.set(folder, { id: folder, name: "masky_u1", projectType: "video" });
    addListedVideos(sim.model, null, ["elsewhere · masky:p-x:1"]);
    // Oldest first here; listed newest first.
    ids = addListedVideos(
      sim.model,
      folder,
      Array.from({ length: 7 }, (_, i) => `Clip ${i} · masky:p-${i}:1`),
    );
  });
  after(() => sim.close());
  beforeEach(() => sim.reset());

  it("the simulator answers in the v1 envelope, newest first, filtered by folder, with a token until the end", async () => {
    const first = await list(sim, `folder_id=${folder}&limit=4`);
    expect(first.status).to.equal(200);
    expect(first.body).to.include({ code: 100, message: "Success" });
    const data = first.body.data as { token: string | null; videos: Record<string, unknown>[] };
    expect(data.videos.map((v) => v.video_id)).to.deep.equal([...ids].reverse().slice(0, 4));
    expect(data.videos[0]).to.include({
      type: "GENERATED",
      video_title: "Clip 6 · masky:p-6:1",
      status: "failed",
    });
    expect(data.videos[0].created_at).to.be.a("number");
    expect(data.token).to.be.a("string");

    const second = await list(sim, `folder_id=${folder}&limit=4&token=${data.token}`);
    const rest = second.body.data as typeof data;
    expect(rest.videos.map((v) => v.video_id)).to.deep.equal([...ids].reverse().slice(4));
    expect(rest.token).to.equal(null);
  });

  it("the simulator refuses a limit over 100 and an unknown token (v1 error envelope)", async () => {
    const tooMany = await list(sim, "limit=101");
    expect(tooMany.status).to.equal(400);
    expect(tooMany.body).to.include({ code: 400175, data: null });
    expect((await list(sim, "limit=10&token=nonsense")).status).to.equal(400);
  });

  it("v2 findVideoByTitle pages with the token and matches the marker at the end of the title", async () => {
    const c = client(sim, "v2");
    const hit = await c.findVideoByTitle?.(" · masky:p-1:1", folder, { pageSize: 2, maxPages: 5 });
    expect(hit).to.include({ videoId: ids[1], title: "Clip 1 · masky:p-1:1", status: "failed" });
    expect(sim.countCalls("/v1/video.list"), "pages 1 to 3 of 2").to.equal(3);
    // The same project's attempt 11 is not attempt 1.
    expect(await c.findVideoByTitle?.(" · masky:p-1:11", folder)).to.equal(null);
  });

  it("the lookup is bounded: a marker beyond maxPages is not found, and only maxPages are read", async () => {
    const c = client(sim, "v2");
    const miss = await c.findVideoByTitle?.(" · masky:p-0:1", folder, { pageSize: 2, maxPages: 2 });
    expect(miss).to.equal(null);
    expect(sim.countCalls("/v1/video.list")).to.equal(2);
    expect(await c.findVideoByTitle?.(" · masky:p-x:1", folder), "other folders").to.equal(null);
  });

  it("an unreadable listing is an upstream error, after the retries a GET gets", async () => {
    sim.faults.push({ path: "^/v1/video\\.list$", kind: "malformed", times: 3 });
    const c = client(sim, "v2") as HeygenV2Client;
    const err = await c.listVideos({ limit: 10 }).catch((e: unknown) => e);
    expect(err).to.have.property("kind", "upstream");
    expect(sim.countCalls("/v1/video.list")).to.equal(3);
  });

  it("v3 replays creates by Idempotency-Key and has no title lookup", () => {
    expect(client(sim, "v3").findVideoByTitle).to.equal(undefined);
  });
});

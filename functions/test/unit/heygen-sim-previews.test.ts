/**
 * The HeyGen simulator serves its public catalogue's previews itself (a simulator of the
 * test's own, port 0): every `preview_image_url` of the listings is a PNG portrait and
 * every voice's sample an MP3, on the simulator's host, without an API key, as HeyGen's
 * CDN links are.
 */
import { expect } from "chai";
import { inflateSync } from "node:zlib";
import { startHeygenSim, type HeygenSim } from "../../devtools/heygen-sim/server";
import { PORTRAIT_SIZE, presenterPortrait } from "../../devtools/heygen-sim/previews";

/** Width, height and the pixel rows of an 8-bit RGB PNG (the only kind the simulator writes). */
function decodePng(png: Buffer): { width: number; height: number; pixels: Buffer } {
  expect(png.subarray(0, 8).toString("hex")).to.equal("89504e470d0a1a0a");
  let at = 8;
  let width = 0;
  let height = 0;
  const idat: Buffer[] = [];
  while (at < png.length) {
    const len = png.readUInt32BE(at);
    const type = png.toString("ascii", at + 4, at + 8);
    const data = png.subarray(at + 8, at + 8 + len);
    if (type === "IHDR") {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      expect([...data.subarray(8, 13)]).to.deep.equal([8, 2, 0, 0, 0]);
    }
    if (type === "IDAT") idat.push(data);
    at += 12 + len;
  }
  return { width, height, pixels: inflateSync(Buffer.concat(idat)) };
}

describe("HeyGen simulator: presenter pictures and voice samples from its own host", function () {
  this.timeout(30000);
  let sim: HeygenSim;
  before(async () => {
    sim = await startHeygenSim();
  });
  after(() => sim.close());

  const api = async <T>(path: string): Promise<T> => {
    const res = await fetch(`${sim.apiUrl}${path}`, { headers: { "X-Api-Key": sim.apiKey } });
    expect(res.status, path).to.equal(200);
    return ((await res.json()) as { data: T }).data;
  };

  it("every public avatar's preview in v2 and v3 listings is a PNG portrait on the simulator, no key needed", async () => {
    const v2 = await api<{ avatars: { avatar_id: string; preview_image_url: string }[] }>(
      "/v2/avatars",
    );
    const v3 = await api<{ id: string; preview_image_url: string }[]>("/v3/avatars/looks");
    const urls = [
      ...v2.avatars.map((a) => [a.avatar_id, a.preview_image_url]),
      ...v3.map((a) => [a.id, a.preview_image_url]),
    ];
    expect(urls).to.have.length.greaterThan(2);
    const bodies = new Map<string, string>();
    for (const [id, url] of urls) {
      expect(url.startsWith(`${sim.apiUrl}/media/previews/`), url).to.equal(true);
      const res = await fetch(url);
      expect(res.status, url).to.equal(200);
      expect(res.headers.get("content-type")).to.equal("image/png");
      const png = Buffer.from(await res.arrayBuffer());
      const { width, height, pixels } = decodePng(png);
      expect([width, height]).to.deep.equal([PORTRAIT_SIZE, PORTRAIT_SIZE]);
      expect(pixels.length).to.equal(height * (1 + width * 3));
      bodies.set(id, png.toString("base64"));
    }
    // One portrait per presenter, the same in both listings, different between presenters.
    expect(new Set(bodies.values()).size).to.equal(bodies.size);
    const v3One = await api<{ preview_image_url: string }>(`/v3/avatars/looks/${v3[0].id}`);
    expect(v3One.preview_image_url).to.equal(v3[0].preview_image_url);
  });

  it("a portrait is a picture (a face on a backdrop), not a flat colour", () => {
    const { pixels, width } = decodePng(presenterPortrait("Daisy-inskirt-20220818"));
    const colours = new Set<string>();
    for (let y = 0; y < width; y += 8) {
      for (let x = 0; x < width; x += 8) {
        const at = y * (1 + width * 3) + 1 + x * 3;
        colours.add(pixels.subarray(at, at + 3).toString("hex"));
      }
    }
    expect(colours.size).to.be.greaterThan(10);
  });

  it("every voice's sample is an MP3 on the simulator; unknown previews are 404", async () => {
    const v2 = await api<{ voices: { voice_id: string; preview_audio: string }[] }>("/v2/voices");
    const v3 = await api<{ voice_id: string; preview_audio_url: string }[]>("/v3/voices");
    expect(v3[0].preview_audio_url).to.equal(
      v2.voices.find((v) => v.voice_id === v3[0].voice_id)?.preview_audio,
    );
    const url = v2.voices[3].preview_audio;
    expect(url.startsWith(`${sim.apiUrl}/media/previews/voices/`), url).to.equal(true);
    const res = await fetch(url);
    expect(res.status).to.equal(200);
    expect(res.headers.get("content-type")).to.equal("audio/mpeg");
    const mp3 = Buffer.from(await res.arrayBuffer());
    expect(mp3.length).to.be.greaterThan(1000);
    // An ID3 tag or an MPEG audio frame sync.
    expect(mp3.subarray(0, 3).toString("latin1") === "ID3" || mp3[0] === 0xff).to.equal(true);
    const head = await fetch(url, { method: "HEAD" });
    expect(head.headers.get("content-length")).to.equal(String(mp3.length));

    for (const missing of [
      "/media/previews/avatars/not-an-avatar.png",
      "/media/previews/voices/not-a-voice.mp3",
      "/media/previews/other/x.png",
    ]) {
      expect((await fetch(`${sim.apiUrl}${missing}`)).status, missing).to.equal(404);
    }
  });
});

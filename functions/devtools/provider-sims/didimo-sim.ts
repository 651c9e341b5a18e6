/**
 * Didimo v3 simulator (its public REST API): `DIDIMO-API-KEY`, multipart
 * `POST /v3/didimos`, `pending → processing (percent) → done | error`, and the glTF
 * package behind `/v3/didimos/{key}/results/gltf` (redirect, or `{uri}` with
 * `DIDIMO-FOLLOW-URI: 0`). The package is a real zipped glTF of a head made from the
 * uploaded photo (head/didimo-package.ts: avatar.gltf, one .bin per mesh, animations.bin,
 * a PNG texture, avatar_info.json mapping pose names to animation frames): the face is
 * skeletal, so its meshes carry no morph targets; each pose is two frames, the rest pose
 * then the pose. Only the pose sets the create asked
 * for by feature flag (`arkit`, `oculus_lipsync`, `simple_poses`) are in the package, an
 * unknown `profile` is refused, as Didimo documents the options, and a photo that
 * cannot be decoded ends the didimo in `error`.
 */
import { createHmac, randomBytes } from "node:crypto";
import http from "node:http";
import busboy from "busboy";
import yazl from "yazl";
import { didimoPackage } from "./head/didimo-package";
import { selfieTexture, type SelfieTexture } from "./head/selfie-head";
import { simFileType } from "../sim-media/sniff";
import { listenLocal } from "../listen";

interface Didimo {
  key: string;
  createdAt: number;
  failure: string | null;
  /** The pose-set feature flags sent as "true" (tests read them). */
  features: string[];
  profile: string | null;
  /** The head's texture, made from the photo at creation (null when it could not be read). */
  texture: SelfieTexture | null;
  zip?: Promise<Buffer>;
}

const FEATURES = ["arkit", "oculus_lipsync", "simple_poses", "aws_polly"];
const PROFILES = ["standard", "optimized", "minimal"];

export interface DidimoSim {
  url: string;
  apiKey: string;
  didimos: Map<string, Didimo>;
  rejectNextPhotos: string | null;
  /** Switchable failures: the next `times` requests whose path matches answer `status`. */
  faults: { path: string; status: number; times: number }[];
  timings: { processingMs: number };
  calls: { method: string; path: string; status: number }[];
  /** When set, packages name their buffer with this URI (tests of hostile packages). */
  packageBufferUri: string | null;
  /** When set, packages carry this as avatar_info.json (tests of inconsistent packages). */
  packageAvatarInfo: unknown;
  close(): Promise<void>;
}

async function packageZip(
  d: Didimo,
  changes: { bufferUri?: string; avatarInfo?: unknown } = {},
): Promise<Buffer> {
  if (!d.texture) throw new Error("the didimo has no model");
  const files = await didimoPackage(d.texture, d.features, changes.bufferUri);
  if (changes.avatarInfo)
    files["avatar_info.json"] = new TextEncoder().encode(JSON.stringify(changes.avatarInfo));
  const zip = new yazl.ZipFile();
  for (const [name, data] of Object.entries(files)) zip.addBuffer(Buffer.from(data), name);
  zip.end();
  const chunks: Buffer[] = [];
  for await (const c of zip.outputStream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

export async function startDidimoSim(
  opts: { port?: number; apiKey?: string; processingMs?: number } = {},
): Promise<DidimoSim> {
  const secret = randomBytes(16).toString("hex");
  const packageFor = (d: Didimo) => (d.zip ??= packageZip(d));
  let url = "";
  const sim: DidimoSim = {
    url: "",
    apiKey: opts.apiKey ?? "sim-didimo-key",
    didimos: new Map(),
    rejectNextPhotos: null,
    faults: [],
    timings: { processingMs: opts.processingMs ?? 600 },
    calls: [],
    packageBufferUri: null,
    packageAvatarInfo: null,
    close: async () => undefined,
  };
  const view = (d: Didimo) => {
    const age = Date.now() - d.createdAt;
    const ms = sim.timings.processingMs;
    const status =
      age < ms * 0.2 ? "pending" : age < ms ? "processing" : d.failure ? "error" : "done";
    return {
      __type: "Didimo",
      key: d.key,
      input_type: "photo",
      status,
      percent: status === "done" ? 100 : status === "processing" ? Math.floor((age / ms) * 100) : 0,
      status_message: status === "error" ? d.failure : "",
      error_code: status === "error" ? 10001 : null,
      transfer_formats:
        status === "done"
          ? [
              {
                __type: "TransferFormat",
                name: "gltf",
                __links: { self: `${url}/v3/didimos/${d.key}/results/gltf` },
              },
            ]
          : [],
      artifacts: [],
      created_at: new Date(d.createdAt).toISOString(),
    };
  };
  const sign = (key: string) => createHmac("sha256", secret).update(key).digest("hex");

  const server = http.createServer((req, res) => {
    const u = new URL(req.url ?? "/", "http://sim");
    const p = u.pathname;
    const method = req.method ?? "GET";
    const reply = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      sim.calls.push({ method, path: p, status });
      res.writeHead(status, { "Content-Type": "application/json", ...headers });
      res.end(JSON.stringify(body));
    };
    let m = /^\/storage\/([a-f0-9]+)_gltf\.zip$/.exec(p);
    if (m && method === "GET") {
      req.resume();
      if (req.headers["didimo-api-key"])
        return reply(400, { description: "Do not send the API key to storage" });
      if (u.searchParams.get("sig") !== sign(m[1]))
        return reply(403, { description: "bad signature" });
      sim.calls.push({ method, path: p, status: 200 });
      const serve = (body: Buffer) => {
        res.writeHead(200, { "Content-Type": "application/zip", "Content-Length": body.length });
        res.end(body);
      };
      const d = sim.didimos.get(m[1]);
      if (!d) return reply(404, { description: "Not found" });
      const built =
        sim.packageBufferUri || sim.packageAvatarInfo
          ? packageZip(d, {
              bufferUri: sim.packageBufferUri ?? undefined,
              avatarInfo: sim.packageAvatarInfo,
            })
          : packageFor(d);
      return void built.then(serve, () => res.destroy());
    }
    const fault = sim.faults.find((f) => new RegExp(f.path).test(p));
    if (fault) {
      req.resume();
      if (--fault.times <= 0) sim.faults.splice(sim.faults.indexOf(fault), 1);
      return reply(fault.status, { is_error: true, description: "Simulated failure" });
    }
    if (req.headers["didimo-api-key"] !== sim.apiKey) {
      req.resume();
      return reply(401, { is_error: true, description: "Invalid API key" });
    }
    if (p === "/v3/didimos" && method === "POST") {
      const fields: Record<string, string> = {};
      let photo: Buffer | null = null;
      const bb = busboy({ headers: req.headers });
      bb.on("file", (name, stream) => {
        const chunks: Buffer[] = [];
        stream.on("data", (c: Buffer) => chunks.push(c));
        stream.on("end", () => name === "photo" && (photo = Buffer.concat(chunks)));
      });
      bb.on("field", (k, v) => (fields[k] = v));
      bb.on("close", async () => {
        const t = photo ? simFileType(photo) : null; // Didimo takes jpg/jpeg/png
        if (t !== "image/jpeg" && t !== "image/png")
          return reply(400, { is_error: true, description: "photo must be jpg or png" });
        if (fields.input_type !== "photo" || fields.transfer_formats !== "gltf") {
          return reply(400, {
            is_error: true,
            description: "input_type=photo and transfer_formats=gltf are required",
          });
        }
        const profile = fields.profile ?? null;
        if (profile !== null && !PROFILES.includes(profile))
          return reply(400, { is_error: true, description: `profile must be one of ${PROFILES}` });
        const texture = await selfieTexture(photo, "png", "ddmo_head_baseColor.png").catch(
          () => null,
        );
        const d: Didimo = {
          key: randomBytes(10).toString("hex"),
          createdAt: Date.now(),
          failure: sim.rejectNextPhotos ?? (texture ? null : "The photo could not be read."),
          features: FEATURES.filter((f) => fields[f] === "true"),
          profile,
          texture,
        };
        sim.didimos.set(d.key, d);
        reply(201, view(d));
      });
      return void req.pipe(bb);
    }
    req.resume();
    m = /^\/v3\/didimos\/([a-f0-9]+)$/.exec(p);
    if (m && method === "GET") {
      const d = sim.didimos.get(m[1]);
      return d ? reply(200, view(d)) : reply(404, { is_error: true, description: "Not found" });
    }
    // `DELETE /v3/didimos/{key}` returns 204: the didimo is gone.
    if (m && method === "DELETE") {
      if (!sim.didimos.delete(m[1]))
        return reply(404, { is_error: true, description: "Not found" });
      sim.calls.push({ method, path: p, status: 204 });
      res.writeHead(204);
      return void res.end();
    }
    m = /^\/v3\/didimos\/([a-f0-9]+)\/results\/gltf$/.exec(p);
    if (m && method === "GET") {
      const d = sim.didimos.get(m[1]);
      if (!d || view(d).status !== "done")
        return reply(404, { is_error: true, description: "Result not ready" });
      const uri = `${url}/storage/${d.key}_gltf.zip?sig=${sign(d.key)}`;
      return req.headers["didimo-follow-uri"] === "0"
        ? reply(200, { uri })
        : reply(302, {}, { Location: uri });
    }
    reply(404, { is_error: true, description: "Not found" });
  });
  const listener = await listenLocal(server, opts.port);
  url = listener.url;
  sim.url = url;
  sim.close = listener.close;
  return sim;
}

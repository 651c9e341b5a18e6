/**
 * Didimo v3 simulator (photoreal-providers.md §B): `DIDIMO-API-KEY`, multipart
 * `POST /v3/didimos`, `pending → processing (percent) → done | error`, and the glTF
 * package behind `/v3/didimos/{key}/results/gltf` (redirect, or `{uri}` with
 * `DIDIMO-FOLLOW-URI: 0`). The package is a real zipped glTF (avatar.gltf + .bin +
 * avatar_info.json mapping pose names to animation frames): the face is skeletal, so
 * its meshes carry no morph targets. Only the pose sets the create asked for by
 * feature flag (`arkit`, `oculus_lipsync`, `simple_poses`) are in the package, and an
 * unknown `profile` is refused, as the fact sheet documents the options.
 */
import { createHmac, randomBytes } from "node:crypto";
import http from "node:http";
import busboy from "busboy";
import yazl from "yazl";
import { Document, NodeIO } from "@gltf-transform/core";
import { ARKIT_51, DIDIMO_VISEMES } from "./face-names";
import { simFileType } from "../sim-media/sniff";
import { listenLocal } from "../listen";

interface Didimo {
  key: string;
  createdAt: number;
  failure: string | null;
  /** The pose-set feature flags sent as "true" (tests read them). */
  features: string[];
  profile: string | null;
}

const FEATURES = ["arkit", "oculus_lipsync", "simple_poses", "aws_polly"];
const PROFILES = ["standard", "optimized", "minimal"];
const SIMPLE_POSES = ["smile", "frown", "surprise", "anger", "disgust", "fear", "sadness"];

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
  close(): Promise<void>;
}

/**
 * avatar_info.json as Didimo's samples show it: pose name → frame indices, for the
 * requested sets (ARKit 51, Oculus 15, simple expressions).
 */
export function didimoAvatarInfo(
  features: readonly string[] = ["arkit", "oculus_lipsync"],
): Record<string, unknown> {
  const poses: Record<string, number[]> = {};
  let frame = 0;
  if (features.includes("arkit"))
    for (const n of ARKIT_51) poses[`ARKit.${n}`] = [frame++, frame++];
  if (features.includes("oculus_lipsync"))
    for (const v of DIDIMO_VISEMES) poses[`oculus.${v}`] = [frame++, frame++];
  if (features.includes("simple_poses"))
    for (const n of SIMPLE_POSES) poses[`simple.${n}`] = [frame++, frame++];
  return { version: "2.5", poses };
}

async function packageZip(features: readonly string[], bufferUri?: string): Promise<Buffer> {
  const doc = new Document();
  const buffer = doc.createBuffer("ddmo_head");
  const prim = doc.createPrimitive().setAttribute(
    "POSITION",
    doc
      .createAccessor()
      .setType("VEC3")
      .setArray(new Float32Array([0, 0, 0, 1, 0, 0, 0, 1, 0]))
      .setBuffer(buffer),
  );
  doc
    .createScene()
    .addChild(doc.createNode("ddmo_head").setMesh(doc.createMesh("ddmo_head").addPrimitive(prim)));
  const { json, resources } = await new NodeIO().writeJSON(doc);
  if (bufferUri && json.buffers?.[0]) json.buffers[0].uri = bufferUri;
  const zip = new yazl.ZipFile();
  zip.addBuffer(Buffer.from(JSON.stringify(json)), "avatar.gltf");
  for (const [name, data] of Object.entries(resources)) zip.addBuffer(Buffer.from(data), name);
  zip.addBuffer(Buffer.from(JSON.stringify(didimoAvatarInfo(features))), "avatar_info.json");
  zip.addBuffer(Buffer.from("{}"), "metadata.json");
  zip.end();
  const chunks: Buffer[] = [];
  for await (const c of zip.outputStream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

export async function startDidimoSim(
  opts: { port?: number; apiKey?: string; processingMs?: number } = {},
): Promise<DidimoSim> {
  const secret = randomBytes(16).toString("hex");
  const packages = new Map<string, Promise<Buffer>>();
  const packageFor = (features: string[]) => {
    const key = [...features].sort().join(",");
    if (!packages.has(key)) packages.set(key, packageZip(features));
    return packages.get(key) as Promise<Buffer>;
  };
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
      const features = sim.didimos.get(m[1])?.features ?? ["arkit", "oculus_lipsync"];
      const built = sim.packageBufferUri
        ? packageZip(features, sim.packageBufferUri)
        : packageFor(features);
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
      bb.on("close", () => {
        const t = photo ? simFileType(photo) : null; // §B2: jpg/jpeg/png
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
        const d: Didimo = {
          key: randomBytes(10).toString("hex"),
          createdAt: Date.now(),
          failure: sim.rejectNextPhotos,
          features: FEATURES.filter((f) => fields[f] === "true"),
          profile,
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
    // `DELETE /v3/didimos/{key}` returns 204 (photoreal-providers.md): the didimo is gone.
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

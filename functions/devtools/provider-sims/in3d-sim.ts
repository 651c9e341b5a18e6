/**
 * in3D simulator (its partner API): bearer token, `POST /scans/new`,
 * `GET /scans/{id}` (created → processing once the user has scanned → completed, or
 * expired when nobody scans in time), `GET /scans/{id}/result?type=glb` → a temporary
 * URL of a real GLB. The user's scan is simulated with `sim.scan(id, photo?)` or
 * `POST /_sim/scans/{id}/capture` (body: an optional JPEG or PNG of the scanned face).
 * in3D never sees the user's uploaded selfie: the head's face is the scanned picture,
 * or the painted one (head/portrait.ts) when the scan came without a picture.
 */
import { createHmac, randomBytes } from "node:crypto";
import http from "node:http";
import { ARKIT_52 } from "./face-names";
import { in3dName } from "./head/layouts";
import { in3dGlb, selfieTexture } from "./head/selfie-head";
import { simFileType } from "../sim-media/sniff";
import { listenLocal } from "../listen";

/** Facecap/Mixamo-style names (in3D does not publish its own; an assumption): PascalCase with _L/_R sides. */
export const IN3D_HEAD_TARGETS = ARKIT_52.map(in3dName);

interface Scan {
  id: string;
  createdAt: number;
  capturedAt: number | null;
  /** The scanned face (null: the painted one). */
  photo: Uint8Array | null;
  glb?: Promise<Uint8Array>;
}

/** The scan's GLB (made once); a picture that cannot be decoded gives the painted face. */
const glbOf = (s: Scan) =>
  (s.glb ??= selfieTexture(s.photo, "jpeg", "Head_Color.jpg")
    .catch(() => selfieTexture(null, "jpeg", "Head_Color.jpg"))
    .then((t) => in3dGlb(t)));

export interface In3dSim {
  url: string;
  token: string;
  scans: Map<string, Scan>;
  timings: { processingMs: number; expiresMs: number; resultUrlTtlMs: number };
  faults: { path: string; status: number; times: number }[];
  calls: { method: string; path: string; status: number }[];
  /** The user's scan, optionally of a face picture (JPEG or PNG). */
  scan(id: string, photo?: Uint8Array): void;
  close(): Promise<void>;
}

export async function startIn3dSim(
  opts: { port?: number; token?: string; processingMs?: number } = {},
): Promise<In3dSim> {
  const secret = randomBytes(16).toString("hex");
  let url = "";
  const sim: In3dSim = {
    url: "",
    token: opts.token ?? "sim-in3d-token",
    scans: new Map(),
    timings: {
      processingMs: opts.processingMs ?? 500,
      expiresMs: 30 * 60 * 1000,
      resultUrlTtlMs: 10 * 60 * 1000,
    },
    faults: [],
    calls: [],
    scan(id, photo) {
      const s = sim.scans.get(id);
      if (!s) return;
      s.capturedAt = Date.now();
      s.photo = photo ?? null;
      delete s.glb;
    },
    close: async () => undefined,
  };
  const status = (s: Scan) => {
    // A link that lives `expiresMs` is dead once that much time has passed: with
    // expiresMs = 0 it is dead at once, even when status is read in the same millisecond.
    if (!s.capturedAt)
      return Date.now() - s.createdAt >= sim.timings.expiresMs ? "expired" : "created";
    return Date.now() - s.capturedAt < sim.timings.processingMs ? "processing" : "completed";
  };
  const sign = (id: string, exp: number) =>
    createHmac("sha256", secret).update(`${id}:${exp}`).digest("hex");

  const server = http.createServer((req, res) => {
    const u = new URL(req.url ?? "/", "http://sim");
    const p = u.pathname;
    const method = req.method ?? "GET";
    const reply = (code: number, body: unknown) => {
      sim.calls.push({ method, path: p, status: code });
      res.writeHead(code, { "Content-Type": "application/json" });
      res.end(JSON.stringify(body));
    };
    let m = /^\/_sim\/scans\/([a-f0-9]+)\/capture$/.exec(p);
    if (m && method === "POST") {
      const id = m[1];
      const chunks: Buffer[] = [];
      let size = 0;
      req.on("data", (c: Buffer) => {
        size += c.length;
        if (size <= 20 * 1024 * 1024) chunks.push(c);
      });
      req.on("end", () => {
        const body = Buffer.concat(chunks);
        const kind = body.length ? simFileType(body) : null;
        if (body.length && kind !== "image/jpeg" && kind !== "image/png")
          return reply(400, { detail: "The scan picture must be a JPEG or PNG." });
        sim.scan(id, body.length ? body : undefined);
        reply(200, { ok: true });
      });
      return;
    }
    req.resume();
    m = /^\/files\/([a-f0-9]+)\.glb$/.exec(p);
    if (m && method === "GET") {
      const exp = Number(u.searchParams.get("exp"));
      if (!exp || exp < Date.now() || u.searchParams.get("sig") !== sign(m[1], exp))
        return reply(403, { detail: "expired link" });
      const scan = sim.scans.get(m[1]);
      if (!scan) return reply(404, { detail: "Scan not found" });
      return void glbOf(scan).then(
        (glb) => {
          res.writeHead(200, { "Content-Type": "model/gltf-binary", "Content-Length": glb.length });
          res.end(Buffer.from(glb));
        },
        () => reply(500, { detail: "The scan could not be processed" }),
      );
    }
    const fault = sim.faults.find((f) => new RegExp(f.path).test(p));
    if (fault) {
      if (--fault.times <= 0) sim.faults.splice(sim.faults.indexOf(fault), 1);
      return reply(fault.status, { detail: "Simulated failure" });
    }
    if (req.headers.authorization !== `Bearer ${sim.token}`)
      return reply(401, { detail: "Invalid token" });
    if (p === "/scans/new" && method === "POST") {
      const scan: Scan = {
        id: randomBytes(10).toString("hex"),
        createdAt: Date.now(),
        capturedAt: null,
        photo: null,
      };
      sim.scans.set(scan.id, scan);
      return reply(201, { id: scan.id, status: "created", config: u.searchParams.get("config") });
    }
    m = /^\/scans\/([a-f0-9]+)$/.exec(p);
    if (m && method === "GET") {
      const s = sim.scans.get(m[1]);
      if (!s) return reply(404, { detail: "Scan not found" });
      return reply(200, { id: s.id, status: status(s), eta_minutes: s.capturedAt ? 1 : null });
    }
    m = /^\/scans\/([a-f0-9]+)\/result$/.exec(p);
    if (m && method === "GET") {
      const s = sim.scans.get(m[1]);
      if (!s || status(s) !== "completed") return reply(404, { detail: "Result not ready" });
      if (u.searchParams.get("type") !== "glb") return reply(400, { detail: "type must be glb" });
      const exp = Date.now() + sim.timings.resultUrlTtlMs;
      return reply(200, { url: `${url}/files/${s.id}.glb?exp=${exp}&sig=${sign(s.id, exp)}` });
    }
    reply(404, { detail: "Not found" });
  });
  const listener = await listenLocal(server, opts.port);
  url = listener.url;
  sim.url = url;
  sim.close = listener.close;
  return sim;
}

/**
 * Avatar SDK (MetaPerson 2.0) simulator, following its public REST API (v3):
 * OAuth2 client credentials, players (`X-PlayerUID`), multipart avatar creation,
 * `Queued → Computing (progress) → Completed | Failed`, exports, and a real export
 * zip holding a GLB of a head made from the uploaded photo (its face as the texture,
 * head/texture.ts) whose morph targets use MetaPerson's names: only the sets the export
 * parameters ask for (`mobile_51` ARKit, `visemes_15`), as Avatar SDK exports. A photo that
 * cannot be decoded makes the avatar fail, as a provider's "no face" does.
 */
import { randomBytes } from "node:crypto";
import http from "node:http";
import busboy from "busboy";
import yazl from "yazl";
import { metaPersonGlb, selfieTexture, type SelfieTexture } from "./head/selfie-head";
import { simFileType } from "../sim-media/sniff";
import { listenLocal } from "../listen";

export interface AvatarSdkSimOptions {
  port?: number;
  clientId?: string;
  clientSecret?: string;
  computeMs?: number;
  exportMs?: number;
  tokenTtlSeconds?: number;
}

interface SimAvatar {
  code: string;
  player: string;
  createdAt: number;
  failure: string | null;
  exportRequested: boolean;
  /** What the create asked for (tests read them). */
  subtype: string;
  blendshapeSets: string[];
  lod: string;
  textureProfile: string;
  /** The head's texture, made from the photo at creation (null when it could not be read). */
  texture: SelfieTexture | null;
  zip?: Promise<Buffer>;
}

const TEXTURE_PROFILES = [
  "1K.jpg",
  "1K.png",
  "1K.webp",
  "2K.jpg",
  "2K.png",
  "2K.webp",
  "4K.jpg",
  "4K.png",
  "4K.webp",
];

const TEXTURE_FILE = "textures/AvatarHead_Color.jpg";

/** The export: the GLB (texture embedded) and its texture beside it, as MetaPerson zips them. */
async function exportZipFor(a: SimAvatar): Promise<Buffer> {
  if (!a.texture) throw new Error("the avatar has no model");
  const glb = await metaPersonGlb(a.texture, {
    arkit: a.blendshapeSets.includes("mobile_51"),
    visemes: a.blendshapeSets.includes("visemes_15"),
  });
  return zipOf({ "model.glb": glb, [TEXTURE_FILE]: a.texture.bytes });
}

export interface AvatarSdkSim {
  url: string;
  clientId: string;
  clientSecret: string;
  calls: { method: string; path: string; status: number }[];
  avatars: Map<string, SimAvatar>;
  /** Next created avatars fail with this reason (e.g. "No face detected"). */
  rejectNextPhotos: string | null;
  faults: { path: string; status: number; times: number; retryAfterSeconds?: number }[];
  timings: { computeMs: number; exportMs: number; tokenTtlSeconds: number };
  close(): Promise<void>;
}

function send(
  res: http.ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  const data = JSON.stringify(body);
  res.writeHead(status, { "Content-Type": "application/json", ...headers });
  res.end(data);
}

async function zipOf(files: Record<string, Uint8Array>): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const [name, data] of Object.entries(files)) zip.addBuffer(Buffer.from(data), name);
  zip.end();
  const chunks: Buffer[] = [];
  for await (const c of zip.outputStream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

export async function startAvatarSdkSim(opts: AvatarSdkSimOptions = {}): Promise<AvatarSdkSim> {
  const tokens = new Map<string, number>();
  const players = new Set<string>();
  let url = "";
  const exportZip = (a: SimAvatar) => (a.zip ??= exportZipFor(a));

  const sim: AvatarSdkSim = {
    url: "",
    clientId: opts.clientId ?? "sim-client-id",
    clientSecret: opts.clientSecret ?? "sim-client-secret",
    calls: [],
    avatars: new Map(),
    rejectNextPhotos: null,
    faults: [],
    timings: {
      computeMs: opts.computeMs ?? 1500,
      exportMs: opts.exportMs ?? 500,
      tokenTtlSeconds: opts.tokenTtlSeconds ?? 36000,
    },
    close: async () => undefined,
  };

  const view = (a: SimAvatar) => {
    const age = Date.now() - a.createdAt;
    const { computeMs } = sim.timings;
    const status =
      age < computeMs * 0.1
        ? "Queued"
        : age < computeMs
          ? "Computing"
          : a.failure
            ? "Failed"
            : "Completed";
    const progress =
      status === "Completed"
        ? 100
        : status === "Computing"
          ? Math.floor((age / computeMs) * 100)
          : 0;
    return {
      code: a.code,
      status,
      progress,
      name: `avatar ${a.code}`,
      pipeline: "metaperson_2.0",
      created_on: new Date(a.createdAt).toISOString(),
      url: `${url}/avatars/${a.code}/`,
      exports: `${url}/avatars/${a.code}/exports/`,
      ...(a.failure ? { status_verbose: { code: 1, message: a.failure } } : {}),
    };
  };

  async function handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const u = new URL(req.url ?? "/", "http://sim");
    const p = u.pathname;
    const method = req.method ?? "GET";
    const reply = (status: number, body: unknown, headers?: Record<string, string>) => {
      sim.calls.push({ method, path: p, status });
      send(res, status, body, headers);
    };
    const fault = sim.faults.find((f) => new RegExp(f.path).test(p));
    if (fault) {
      if (--fault.times <= 0) sim.faults.splice(sim.faults.indexOf(fault), 1);
      return reply(
        fault.status,
        { detail: "Simulated failure" },
        fault.retryAfterSeconds ? { "Retry-After": String(fault.retryAfterSeconds) } : {},
      );
    }
    if (p === "/o/token/" && method === "POST") {
      const body = new URLSearchParams(
        await new Promise<string>((r) => {
          let d = "";
          req.on("data", (c) => (d += c));
          req.on("end", () => r(d));
        }),
      );
      const basic = /^Basic (.+)$/.exec(String(req.headers.authorization ?? ""))?.[1];
      const [id, secret] = basic
        ? Buffer.from(basic, "base64").toString().split(":")
        : [body.get("client_id"), body.get("client_secret")];
      if (body.get("grant_type") !== "client_credentials")
        return reply(400, { error: "unsupported_grant_type" });
      if (id !== sim.clientId || secret !== sim.clientSecret)
        return reply(401, {
          error: "invalid_client",
          error_description: "Invalid client credentials",
        });
      const token = randomBytes(16).toString("hex");
      tokens.set(token, Date.now() + sim.timings.tokenTtlSeconds * 1000);
      return reply(200, {
        access_token: token,
        token_type: "Bearer",
        expires_in: sim.timings.tokenTtlSeconds,
        scope: "read write",
      });
    }
    const bearer =
      /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ""))?.[1] ??
      u.searchParams.get("access_token");
    if (!bearer || (tokens.get(bearer) ?? 0) < Date.now()) {
      return reply(401, { detail: "Authentication credentials were not provided." });
    }
    if (p === "/players/" && method === "POST") {
      req.resume();
      const code = randomBytes(8).toString("hex");
      players.add(code);
      return reply(201, { code, comment: "" });
    }
    const player = String(req.headers["x-playeruid"] ?? "");
    if (!players.has(player)) return reply(403, { detail: "Player is required (X-PlayerUID)." });
    if (p === "/avatars/" && method === "POST") {
      const fields: Record<string, string> = {};
      let photo: Buffer | null = null;
      await new Promise<void>((resolve) => {
        const bb = busboy({ headers: req.headers });
        bb.on("file", (name, stream) => {
          const chunks: Buffer[] = [];
          stream.on("data", (c: Buffer) => chunks.push(c));
          stream.on("end", () => name === "photo" && (photo = Buffer.concat(chunks)));
        });
        bb.on("field", (k, v) => (fields[k] = v));
        bb.on("close", () => resolve());
        req.pipe(bb);
      });
      const kind = photo ? simFileType(photo) : null; // the API takes a JPEG or PNG photo
      if (kind !== "image/jpeg" && kind !== "image/png")
        return reply(400, { detail: "photo: upload a JPEG or PNG image." });
      if (
        fields.pipeline !== "metaperson_2.0" ||
        !["male", "female"].includes(fields.pipeline_subtype ?? "")
      ) {
        return reply(400, { detail: "pipeline/pipeline_subtype: unsupported" });
      }
      let exportParams: {
        blendshapes?: { list?: string[] };
        lod?: string;
        textures?: { profile?: string };
      } = {};
      try {
        exportParams = JSON.parse(fields.export_parameters ?? "{}");
      } catch {
        return reply(400, { detail: "export_parameters: invalid JSON" });
      }
      const sets = exportParams.blendshapes?.list ?? [];
      if (sets.some((x) => x !== "mobile_51" && x !== "visemes_15"))
        return reply(400, { detail: "export_parameters.blendshapes.list: unknown set" });
      const lod = exportParams.lod ?? "LOD1";
      const textureProfile = exportParams.textures?.profile ?? "1K.jpg";
      if (!["LOD1", "LOD2"].includes(lod) || !TEXTURE_PROFILES.includes(textureProfile))
        return reply(400, { detail: "export_parameters: unsupported lod or textures.profile" });
      const texture = await selfieTexture(photo, "jpeg", TEXTURE_FILE).catch(() => null);
      const a: SimAvatar = {
        code: randomBytes(10).toString("hex"),
        player,
        createdAt: Date.now(),
        failure: sim.rejectNextPhotos ?? (texture ? null : "The photo could not be read."),
        exportRequested: sets.length > 0,
        subtype: fields.pipeline_subtype ?? "",
        blendshapeSets: sets,
        lod,
        textureProfile,
        texture,
      };
      sim.avatars.set(a.code, a);
      return reply(201, view(a));
    }
    let m = /^\/avatars\/([a-f0-9]+)\/$/.exec(p);
    if (m && method === "GET") {
      const a = sim.avatars.get(m[1]);
      if (!a || a.player !== player) return reply(404, { detail: "Not found." });
      return reply(200, view(a));
    }
    // `DELETE avatar.url` (the API's delete): the avatar and its exports are gone.
    if (m && method === "DELETE") {
      const a = sim.avatars.get(m[1]);
      if (!a || a.player !== player) return reply(404, { detail: "Not found." });
      sim.avatars.delete(m[1]);
      sim.calls.push({ method, path: p, status: 204 });
      res.writeHead(204);
      return void res.end();
    }
    m = /^\/avatars\/([a-f0-9]+)\/exports\/$/.exec(p);
    if (m && method === "GET") {
      const a = sim.avatars.get(m[1]);
      if (!a || a.player !== player) return reply(404, { detail: "Not found." });
      if (view(a).status !== "Completed" || !a.exportRequested) return reply(200, []);
      const ready = Date.now() - a.createdAt > sim.timings.computeMs + sim.timings.exportMs;
      return reply(200, [
        {
          avatar_code: a.code,
          code: `${a.code}-glb`,
          status: ready ? "Completed" : "Computing",
          created_on: new Date().toISOString(),
          url: `${url}/avatars/${a.code}/exports/${a.code}-glb/`,
          files: ready
            ? [
                {
                  identity: "avatar",
                  category: "",
                  file: `${url}/files/${a.code}/avatar.zip`,
                  static_files: [],
                },
              ]
            : [],
        },
      ]);
    }
    m = /^\/files\/([a-f0-9]+)\/avatar\.zip$/.exec(p);
    const zipAvatar = m && method === "GET" ? sim.avatars.get(m[1]) : undefined;
    if (zipAvatar) {
      const zip = await exportZip(zipAvatar);
      sim.calls.push({ method, path: p, status: 200 });
      res.writeHead(200, { "Content-Type": "application/zip", "Content-Length": zip.length });
      return void res.end(zip);
    }
    reply(404, { detail: "Not found." });
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err: Error) => send(res, 500, { detail: err.message }));
  });
  const listener = await listenLocal(server, opts.port);
  url = listener.url;
  sim.url = url;
  sim.close = listener.close;
  return sim;
}

/**
 * The Firebase Storage REST subset the Web SDK (`firebase/storage`) sends after
 * `connectStorageEmulator`, served by the local Storage server under `/v0/` (as read
 * in the SDK's source, packages/storage in firebase/firebase-js-sdk, and in the
 * firebase-tools Storage emulator): multipart and resumable uploads,
 * object metadata, token download URLs (`alt=media&token=`), delete, CORS.
 *
 * Every request is checked against what storage.rules allows (storage-rules.ts), with
 * `Authorization: Firebase <ID token>` verified by the Auth emulator (accounts:lookup),
 * so an unsigned or forged token gets no access. Objects are the same ones the GCS
 * JSON API side of the server serves, so functions and the page see one bucket.
 */
import { randomUUID } from "node:crypto";
import { createReadStream, createWriteStream, promises as fsp } from "node:fs";
import type http from "node:http";
import path from "node:path";
import { PassThrough, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { storageRulesAllow, type StorageOp } from "./storage-rules";
import type { StoredObject } from "./server";
import { splitMultipart } from "./multipart";

export interface FirebaseRestDeps {
  objects: Map<string, StoredObject>;
  dir: string;
  baseUrl(): string;
  store(
    bucket: string,
    name: string,
    contentType: string,
    metadata: Record<string, string>,
    source: Readable,
  ): Promise<StoredObject>;
  sendMedia(req: http.IncomingMessage, res: http.ServerResponse, o: StoredObject): Promise<void>;
  /** host:port of the Auth emulator that issued the ID tokens. */
  authEmulatorHost?: string;
}

interface Session {
  bucket: string;
  name: string;
  contentType: string;
  declaredSize: number;
  metadata: Record<string, string>;
  file: string;
  received: number;
  uid: string | null;
  final?: { status: number; body: unknown };
}

const TOKENS = "firebaseStorageDownloadTokens";
/** EMU's per-request body limit. */
const MAX_BODY = 130 * 1024 * 1024;
const EXPOSED = [
  "content-type",
  "x-goog-upload-url",
  "x-goog-upload-status",
  "x-goog-upload-size-received",
  "x-goog-upload-chunk-granularity",
  "x-gupload-uploadid",
].join(", ");

const denied = (op: StorageOp) =>
  `Permission denied. No ${op === "read" ? "READ" : op === "delete" ? "DELETE" : "WRITE"} permission.`;

export function firebaseRestApi(deps: FirebaseRestDeps) {
  const sessions = new Map<string, Session>();
  const verified = new Map<string, { uid: string | null; until: number }>();
  const key = (bucket: string, name: string) => `${bucket}/${name}`;
  const authHost =
    deps.authEmulatorHost ?? process.env.FIREBASE_AUTH_EMULATOR_HOST ?? "127.0.0.1:9099";

  /** The caller's uid from `Authorization: Firebase <token>`, as the Auth emulator sees it. */
  async function callerUid(req: http.IncomingMessage): Promise<string | null> {
    const m = /^Firebase (.+)$/.exec(String(req.headers.authorization ?? ""));
    if (!m) return null;
    const token = m[1].trim();
    const hit = verified.get(token);
    if (hit && hit.until > Date.now()) return hit.uid;
    const res = await fetch(
      `http://${authHost}/identitytoolkit.googleapis.com/v1/accounts:lookup?key=local`,
      {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ idToken: token }),
      },
    ).catch(() => null);
    const body = res?.ok ? ((await res.json()) as { users?: { localId?: string }[] }) : null;
    const uid = body?.users?.[0]?.localId ?? null;
    verified.set(token, { uid, until: Date.now() + 60000 });
    return uid;
  }

  function tokensOf(o: StoredObject): string[] {
    return (o.metadata[TOKENS] ?? "").split(",").filter(Boolean);
  }

  function resource(o: StoredObject) {
    const custom = { ...o.metadata };
    delete custom[TOKENS];
    return {
      bucket: o.bucket,
      name: o.name,
      generation: o.generation,
      metageneration: "1",
      size: String(o.size),
      timeCreated: o.timeCreated,
      updated: o.updated,
      md5Hash: o.md5Hash,
      crc32c: o.crc32c,
      etag: o.md5Hash,
      contentType: o.contentType,
      contentEncoding: "identity",
      contentDisposition: "inline",
      storageClass: "STANDARD",
      metadata: custom,
      downloadTokens: tokensOf(o).join(","),
    };
  }

  function cors(req: http.IncomingMessage, res: http.ServerResponse): void {
    res.setHeader("Access-Control-Allow-Origin", String(req.headers.origin ?? "*"));
    res.setHeader("Vary", "Origin");
    res.setHeader("Access-Control-Expose-Headers", EXPOSED);
  }

  function send(res: http.ServerResponse, status: number, body: unknown, headers = {}): void {
    const data = JSON.stringify(body);
    res.writeHead(status, {
      ...headers,
      "Content-Type": "application/json; charset=utf-8",
      "Content-Length": Buffer.byteLength(data),
    });
    res.end(data);
  }
  const forbid = (res: http.ServerResponse, op: StorageOp, headers = {}) =>
    send(res, 403, { error: { code: 403, message: denied(op) } }, headers);
  const notFound = (res: http.ServerResponse) => {
    res.writeHead(404, { "Content-Type": "text/plain" });
    res.end("Not Found");
  };
  const badRequest = (res: http.ServerResponse, message: string) => {
    res.writeHead(400, { "Content-Type": "text/plain" });
    res.end(message);
  };

  async function readBody(req: http.IncomingMessage): Promise<Buffer | null> {
    const chunks: Buffer[] = [];
    let n = 0;
    for await (const c of req) {
      n += (c as Buffer).length;
      if (n > MAX_BODY) return null;
      chunks.push(c as Buffer);
    }
    return Buffer.concat(chunks);
  }

  /** Stores an upload the rules allowed, giving it a download token as Firebase does. */
  async function commit(
    s: Pick<Session, "bucket" | "name" | "contentType" | "metadata">,
    source: Readable,
  ) {
    const metadata = { ...s.metadata };
    if (!metadata[TOKENS]) metadata[TOKENS] = randomUUID();
    return deps.store(s.bucket, s.name, s.contentType, metadata, source);
  }

  function parseMetadata(text: string): {
    name?: string;
    contentType?: string;
    metadata?: Record<string, string>;
  } | null {
    try {
      const v = JSON.parse(text || "{}") as unknown;
      return v && typeof v === "object" ? (v as Record<string, never>) : null;
    } catch {
      return null;
    }
  }

  async function multipart(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    bucket: string,
    u: URL,
  ) {
    const boundary = /boundary="?([^";]+)"?/i.exec(String(req.headers["content-type"] ?? ""))?.[1];
    const body = await readBody(req);
    if (!body) return send(res, 413, { error: { code: 413, message: "Request too large." } });
    if (!boundary) return badRequest(res, "Bad content type.");
    // The two parts of the SDK's multipart/related body: metadata JSON, then the bytes.
    const parts = splitMultipart(body, boundary);
    const meta = parts.length === 2 ? parseMetadata(parts[0].body.toString("utf8")) : null;
    if (!meta) return badRequest(res, "Failed to parse multipart request body part");
    const name = meta.name ?? u.searchParams.get("name");
    if (!name) return badRequest(res, "Missing object name.");
    const contentType =
      meta.contentType ??
      parts[1].headers["content-type"]?.split(";")[0].trim() ??
      "application/octet-stream";
    const uid = await callerUid(req);
    const allowed = storageRulesAllow({
      op: "write",
      name,
      uid,
      resource: { size: parts[1].body.length, contentType },
    });
    if (!allowed) return forbid(res, "write");
    const source = new PassThrough();
    source.end(parts[1].body);
    const o = await commit({ bucket, name, contentType, metadata: meta.metadata ?? {} }, source);
    send(res, 200, resource(o));
  }

  async function startResumable(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    bucket: string,
    u: URL,
  ) {
    const meta = parseMetadata(((await readBody(req)) ?? Buffer.alloc(0)).toString("utf8"));
    const name = meta?.name ?? u.searchParams.get("name");
    if (!meta || !name) return badRequest(res, "Missing object name.");
    const contentType =
      meta.contentType ??
      String(req.headers["x-goog-upload-header-content-type"] ?? "application/octet-stream");
    const declaredSize = Number(req.headers["x-goog-upload-header-content-length"] ?? 0);
    const uid = await callerUid(req);
    // Checked now with the declared size (no bytes wasted) and again at finalize.
    if (
      !storageRulesAllow({ op: "write", name, uid, resource: { size: declaredSize, contentType } })
    ) {
      return forbid(res, "write");
    }
    const id = randomUUID();
    const file = path.join(deps.dir, `${id}.fb-part`);
    await fsp.writeFile(file, "");
    sessions.set(id, {
      bucket,
      name,
      contentType,
      declaredSize,
      metadata: meta.metadata ?? {},
      file,
      received: 0,
      uid,
    });
    res.writeHead(200, {
      "X-Goog-Upload-URL": `${deps.baseUrl()}/v0/b/${encodeURIComponent(bucket)}/o?name=${encodeURIComponent(name)}&upload_id=${id}&upload_protocol=resumable`,
      "X-Goog-Upload-Status": "active",
      "X-Goog-Upload-Chunk-Granularity": "10000",
      "X-GUploader-UploadID": id,
      "Content-Length": 0,
    });
    res.end();
  }

  async function continueResumable(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    id: string,
  ) {
    const s = sessions.get(id);
    if (!s) return notFound(res);
    const command = String(req.headers["x-goog-upload-command"] ?? "")
      .split(",")
      .map((c) => c.trim());
    const status = (st: "active" | "final") => ({ "X-Goog-Upload-Status": st });
    if (s.final) return send(res, s.final.status, s.final.body, status("final"));
    if (command.includes("query")) {
      res.writeHead(200, {
        ...status("active"),
        "X-Goog-Upload-Size-Received": String(s.received),
        "Content-Length": 0,
      });
      return void res.end();
    }
    if (command.includes("cancel")) {
      sessions.delete(id);
      await fsp.rm(s.file, { force: true });
      res.writeHead(200, { "Content-Length": 0 });
      return void res.end();
    }
    if (command.includes("upload")) {
      // A re-sent chunk (network retry) carries the same offset: overwrite, never append twice.
      const offset = Number(req.headers["x-goog-upload-offset"] ?? s.received);
      if (!Number.isInteger(offset) || offset > s.received) {
        return badRequest(res, `Upload offset ${offset} is past the ${s.received} bytes received.`);
      }
      if (offset < s.received) await fsp.truncate(s.file, offset);
      let n = 0;
      const counter = new PassThrough();
      counter.on("data", (c: Buffer) => (n += c.length));
      await pipeline(req, counter, createWriteStream(s.file, { flags: "a" }));
      s.received = offset + n;
      if (s.received > MAX_BODY) {
        s.final = { status: 413, body: { error: { code: 413, message: "Upload too large." } } };
        await fsp.rm(s.file, { force: true });
        return send(res, 413, s.final.body, status("final"));
      }
    } else {
      req.resume();
    }
    if (!command.includes("finalize")) {
      res.writeHead(200, { ...status("active"), "Content-Length": 0 });
      return void res.end();
    }
    const allowed = storageRulesAllow({
      op: "write",
      name: s.name,
      uid: s.uid,
      resource: { size: s.received, contentType: s.contentType },
    });
    if (!allowed) {
      s.final = { status: 403, body: { error: { code: 403, message: denied("write") } } };
    } else {
      const o = await commit(s, createReadStream(s.file));
      s.final = { status: 200, body: resource(o) };
    }
    await fsp.rm(s.file, { force: true });
    send(res, s.final.status, s.final.body, status("final"));
  }

  async function object(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    bucket: string,
    name: string,
    u: URL,
  ) {
    const method = req.method ?? "GET";
    const o = deps.objects.get(key(bucket, name));
    if (method === "GET" && u.searchParams.get("alt") === "media") {
      const token = u.searchParams.get("token");
      // A download URL's token stands in for the rules, as in Firebase.
      if (token && o && tokensOf(o).includes(token)) return deps.sendMedia(req, res, o);
      if (!storageRulesAllow({ op: "read", name, uid: await callerUid(req) }))
        return forbid(res, "read");
      return o ? deps.sendMedia(req, res, o) : notFound(res);
    }
    if (method === "GET") {
      // Rules before existence, as the emulator does: a denied read of nothing is 403.
      if (!storageRulesAllow({ op: "read", name, uid: await callerUid(req) }))
        return forbid(res, "read");
      if (!o) return notFound(res);
      if (tokensOf(o).length === 0) o.metadata[TOKENS] = randomUUID();
      return send(res, 200, resource(o));
    }
    if (method === "DELETE") {
      if (!storageRulesAllow({ op: "delete", name, uid: await callerUid(req) }))
        return forbid(res, "delete");
      if (!o) return notFound(res);
      deps.objects.delete(key(bucket, name));
      await fsp.rm(o.file, { force: true });
      res.writeHead(204);
      return void res.end();
    }
    send(res, 405, { error: { code: 405, message: `${method} is not supported here.` } });
  }

  /** Handles `/v0/…` requests. */
  async function handle(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    u: URL,
  ): Promise<void> {
    cors(req, res);
    if (req.method === "OPTIONS") {
      res.writeHead(204, {
        "Access-Control-Allow-Methods": "GET,HEAD,PUT,PATCH,POST,DELETE",
        "Access-Control-Allow-Headers": String(req.headers["access-control-request-headers"] ?? ""),
        "Access-Control-Max-Age": "3600",
        ...(req.headers["access-control-request-private-network"]
          ? { "Access-Control-Allow-Private-Network": "true" }
          : {}),
        "Content-Length": 0,
      });
      return void res.end();
    }
    let m: RegExpExecArray | null;
    if ((m = /^\/v0\/b\/([^/]+)\/o$/.exec(u.pathname)) && req.method === "POST") {
      const bucket = decodeURIComponent(m[1]);
      const uploadId = u.searchParams.get("upload_id");
      if (uploadId) return continueResumable(req, res, uploadId);
      const protocol = String(req.headers["x-goog-upload-protocol"] ?? "");
      if (protocol === "multipart") return multipart(req, res, bucket, u);
      if (protocol === "resumable") return startResumable(req, res, bucket, u);
      return badRequest(res, "Missing X-Goog-Upload-Protocol.");
    }
    if ((m = /^\/v0\/b\/([^/]+)\/o\/([^/]+)$/.exec(u.pathname))) {
      return object(req, res, decodeURIComponent(m[1]), decodeURIComponent(m[2]), u);
    }
    notFound(res);
  }

  return { handle };
}

/**
 * A local server that speaks the subset of the Cloud Storage JSON API this project
 * uses, for offline runs (the Firebase Storage emulator needs a download that does
 * not work here). `@google-cloud/storage` talks to it through STORAGE_EMULATOR_HOST.
 *
 * Supported: media / multipart / resumable uploads, object metadata, `alt=media`
 * downloads (with Range), delete, list (prefix, delimiter, pagination), and GETs of
 * V4 signed URLs (`/{bucket}/{object}?X-Goog-...`) whose signature and expiry are
 * checked when the server knows the signer's public key.
 *
 * Objects are streamed to and from files on disk: large media never sits in memory.
 */
import { createHash, createVerify, randomUUID } from "node:crypto";
import { createReadStream, createWriteStream, promises as fsp } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { PassThrough, type Readable } from "node:stream";
import { CRC32C } from "@google-cloud/storage";
import { listenLocal } from "../listen";
import { splitMultipart } from "./multipart";
import { firebaseRestApi } from "./firebase-rest";

export interface StoredObject {
  bucket: string;
  name: string;
  size: number;
  contentType: string;
  md5Hash: string;
  crc32c: string;
  generation: string;
  metadata: Record<string, string>;
  timeCreated: string;
  updated: string;
  file: string;
}

export interface StorageServerOptions {
  port?: number;
  host?: string;
  dir?: string;
  /** PEM public key of the signing service account: when set, signed URLs are verified. */
  signerPublicKey?: string;
  /** host:port of the Auth emulator that verifies Firebase Storage REST callers (/v0). */
  authEmulatorHost?: string;
}

export interface StorageServer {
  url: string;
  port: number;
  objects: Map<string, StoredObject>;
  close(): Promise<void>;
  /** Test helper: whole object as a Buffer. */
  read(bucket: string, name: string): Promise<Buffer | null>;
  clear(): Promise<void>;
}

interface ResumableSession {
  bucket: string;
  name: string;
  contentType: string;
  metadata: Record<string, string>;
  file: string;
  received: number;
}

const key = (bucket: string, name: string) => `${bucket}/${name}`;

function json(res: http.ServerResponse, status: number, body: unknown): void {
  const data = JSON.stringify(body);
  res.writeHead(status, {
    "Content-Type": "application/json",
    "Content-Length": Buffer.byteLength(data),
  });
  res.end(data);
}

/** Why a signed URL is refused, as GCS's XML API says it. */
interface SignedUrlRefusal {
  status: number;
  code: string;
  message: string;
  details?: string;
}

function gcsError(res: http.ServerResponse, status: number, message: string): void {
  json(res, status, { error: { code: status, message, errors: [{ message, reason: "error" }] } });
}

async function readAll(req: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

export async function startStorageServer(opts: StorageServerOptions = {}): Promise<StorageServer> {
  const dir = opts.dir ?? (await fsp.mkdtemp(path.join(os.tmpdir(), "masky-gcs-")));
  await fsp.mkdir(dir, { recursive: true });
  const objects = new Map<string, StoredObject>();
  const sessions = new Map<string, ResumableSession>();
  let generation = Date.now();
  let baseUrl = "";
  const firebaseRest = firebaseRestApi({
    objects,
    dir,
    baseUrl: () => baseUrl,
    store,
    sendMedia,
    authEmulatorHost: opts.authEmulatorHost,
  });

  const resource = (o: StoredObject) => ({
    kind: "storage#object",
    id: `${o.bucket}/${o.name}/${o.generation}`,
    selfLink: `${baseUrl}/storage/v1/b/${o.bucket}/o/${encodeURIComponent(o.name)}`,
    mediaLink: `${baseUrl}/download/storage/v1/b/${o.bucket}/o/${encodeURIComponent(o.name)}?alt=media`,
    name: o.name,
    bucket: o.bucket,
    generation: o.generation,
    metageneration: "1",
    contentType: o.contentType,
    size: String(o.size),
    md5Hash: o.md5Hash,
    crc32c: o.crc32c,
    timeCreated: o.timeCreated,
    updated: o.updated,
    metadata: o.metadata,
  });

  /** Streams `source` into a new file, then records the object. */
  async function store(
    bucket: string,
    name: string,
    contentType: string,
    metadata: Record<string, string>,
    source: Readable,
  ): Promise<StoredObject> {
    const file = path.join(dir, randomUUID());
    const digest = new ObjectDigest();
    const counter = new PassThrough();
    counter.on("data", (c: Buffer) => digest.update(c));
    await pipeline(source, counter, createWriteStream(file));
    return commit(bucket, name, contentType, metadata, file, digest);
  }

  async function commit(
    bucket: string,
    name: string,
    contentType: string,
    metadata: Record<string, string>,
    file: string,
    digest: ObjectDigest,
  ): Promise<StoredObject> {
    const previous = objects.get(key(bucket, name));
    const now = new Date().toISOString();
    const obj: StoredObject = {
      bucket,
      name,
      size: digest.size,
      contentType: contentType || "application/octet-stream",
      md5Hash: digest.md5.digest("base64"),
      crc32c: digest.crc.toString(),
      generation: String(++generation),
      metadata,
      timeCreated: now,
      updated: now,
      file,
    };
    objects.set(key(bucket, name), obj);
    if (previous) await fsp.rm(previous.file, { force: true });
    return obj;
  }

  async function sendMedia(req: http.IncomingMessage, res: http.ServerResponse, o: StoredObject) {
    const headers: Record<string, string | number> = {
      "Content-Type": o.contentType,
      "X-Goog-Generation": o.generation,
      "X-Goog-Hash": `crc32c=${o.crc32c},md5=${o.md5Hash}`,
      "Accept-Ranges": "bytes",
    };
    const range = /^bytes=(\d*)-(\d*)$/.exec(String(req.headers.range ?? ""));
    if (range && o.size > 0) {
      const start = range[1] ? Number(range[1]) : Math.max(0, o.size - Number(range[2]));
      const end = range[1] && range[2] ? Math.min(Number(range[2]), o.size - 1) : o.size - 1;
      if (start > end || start >= o.size) {
        res.writeHead(416, { "Content-Range": `bytes */${o.size}` });
        res.end();
        return;
      }
      res.writeHead(206, {
        ...headers,
        "Content-Range": `bytes ${start}-${end}/${o.size}`,
        "Content-Length": end - start + 1,
      });
      if (req.method === "HEAD") return void res.end();
      await pipeline(createReadStream(o.file, { start, end }), res);
      return;
    }
    res.writeHead(200, { ...headers, "Content-Length": o.size });
    if (req.method === "HEAD") return void res.end();
    await pipeline(createReadStream(o.file), res);
  }

  /**
   * Checks a V4 signed URL like GCS: past X-Goog-Date + X-Goog-Expires it is refused
   * with 400 ExpiredToken (GCS's XML error), a bad signature with 403.
   */
  function verifySignedUrl(u: URL, bucket: string, name: string): SignedUrlRefusal | null {
    const q = u.searchParams;
    const date = q.get("X-Goog-Date");
    const expires = Number(q.get("X-Goog-Expires"));
    const signature = q.get("X-Goog-Signature");
    const denied = (message: string): SignedUrlRefusal => ({
      status: 403,
      code: "AccessDenied",
      message,
    });
    if (!date || !expires || !signature)
      return denied("missing X-Goog-Date, X-Goog-Expires or X-Goog-Signature");
    const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(date);
    if (!m) return denied("bad X-Goog-Date");
    const signedAt = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]);
    const expiresAt = signedAt + expires * 1000;
    if (Date.now() > expiresAt) {
      return {
        status: 400,
        code: "ExpiredToken",
        message: "Invalid argument.",
        details: `Request has expired: ${expiresAt / 1000}`,
      };
    }
    if (!opts.signerPublicKey) return null;
    // Rebuild the canonical request of a V4 signed GET (headers: host only).
    const params = [...q.entries()]
      .filter(([k]) => k !== "X-Goog-Signature")
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
      .join("&");
    const resourcePath = `/${bucket}/${name.split("/").map(encodeURIComponent).join("/")}`;
    const canonical = [
      "GET",
      resourcePath,
      params,
      `host:${u.hostname}\n`,
      "host",
      "UNSIGNED-PAYLOAD",
    ].join("\n");
    const scope = q.get("X-Goog-Credential")?.split("/").slice(1).join("/") ?? "";
    const toSign = [
      "GOOG4-RSA-SHA256",
      date,
      scope,
      createHash("sha256").update(canonical).digest("hex"),
    ].join("\n");
    const ok = createVerify("RSA-SHA256")
      .update(toSign)
      .verify(opts.signerPublicKey, Buffer.from(signature, "hex"));
    return ok ? null : denied("the signature does not match");
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const u = new URL(req.url ?? "/", baseUrl);
    const p = u.pathname;
    const method = req.method ?? "GET";
    let m: RegExpExecArray | null;
    if (p.startsWith("/v0/")) return firebaseRest.handle(req, res, u); // Firebase Web SDK

    // Uploads: /upload/storage/v1/b/{bucket}/o
    if ((m = /^\/upload\/storage\/v1\/b\/([^/]+)\/o$/.exec(p)) && method === "POST") {
      const bucket = decodeURIComponent(m[1]);
      const type = u.searchParams.get("uploadType");
      if (type === "media") {
        const name = u.searchParams.get("name");
        if (!name) return gcsError(res, 400, "name is required");
        const o = await store(bucket, name, String(req.headers["content-type"] ?? ""), {}, req);
        return json(res, 200, resource(o));
      }
      if (type === "multipart") {
        const ct = String(req.headers["content-type"] ?? "");
        const boundary = /boundary="?([^";]+)"?/i.exec(ct)?.[1];
        if (!boundary) return gcsError(res, 400, "multipart boundary missing");
        const body = await readAll(req);
        const parts = splitMultipart(body, boundary);
        if (parts.length < 2)
          return gcsError(res, 400, "multipart upload needs metadata and media");
        const meta = JSON.parse(parts[0].body.toString("utf8")) as {
          name?: string;
          contentType?: string;
          metadata?: Record<string, string>;
        };
        const name = meta.name ?? u.searchParams.get("name");
        if (!name) return gcsError(res, 400, "name is required");
        const contentType = meta.contentType ?? parts[1].headers["content-type"] ?? "";
        const source = new PassThrough();
        source.end(parts[1].body);
        const o = await store(bucket, name, contentType, meta.metadata ?? {}, source);
        return json(res, 200, resource(o));
      }
      if (type === "resumable") {
        const meta = JSON.parse((await readAll(req)).toString("utf8") || "{}") as {
          name?: string;
          contentType?: string;
          metadata?: Record<string, string>;
        };
        const name = meta.name ?? u.searchParams.get("name");
        if (!name) return gcsError(res, 400, "name is required");
        const id = randomUUID();
        const file = path.join(dir, `${id}.part`);
        await fsp.writeFile(file, "");
        sessions.set(id, {
          bucket,
          name,
          contentType: meta.contentType ?? String(req.headers["x-upload-content-type"] ?? ""),
          metadata: meta.metadata ?? {},
          file,
          received: 0,
        });
        res.writeHead(200, {
          Location: `${baseUrl}/upload/storage/v1/b/${encodeURIComponent(bucket)}/o?uploadType=resumable&upload_id=${id}`,
          "Content-Length": 0,
        });
        return void res.end();
      }
      return gcsError(res, 400, `uploadType ${type} is not supported`);
    }
    if ((m = /^\/upload\/storage\/v1\/b\/([^/]+)\/o$/.exec(p)) && method === "PUT") {
      const s = sessions.get(u.searchParams.get("upload_id") ?? "");
      if (!s) return gcsError(res, 404, "no such upload session");
      // Content-Range: "bytes a-b/*" (a chunk, more to come), "bytes a-b/N" (final when N bytes
      // are in), "bytes a-*/*" or "bytes a-*/N" (one streaming request: its end is the end),
      // "bytes */N" (finalize), or absent (all in one request).
      const range = String(req.headers["content-range"] ?? "");
      s.received += await appendTo(s.file, req);
      const total = /\/(\d+|\*)$/.exec(range)?.[1];
      const streaming = /^bytes \d+-\*\//.test(range);
      const final =
        range === "" ||
        streaming ||
        (total !== undefined && total !== "*" && Number(total) === s.received);
      if (!final) {
        res.writeHead(308, s.received > 0 ? { Range: `bytes=0-${s.received - 1}` } : {});
        return void res.end();
      }
      sessions.delete(u.searchParams.get("upload_id") ?? "");
      const digest = new ObjectDigest();
      for await (const c of createReadStream(s.file)) digest.update(c as Buffer);
      const o = await commit(s.bucket, s.name, s.contentType, s.metadata, s.file, digest);
      return json(res, 200, resource(o));
    }

    // JSON API objects: /storage/v1/b/{bucket}/o[/{object}] and /download/storage/v1/...
    // (With STORAGE_EMULATOR_HOST set, the client drops the /storage/v1 prefix.)
    if ((m = /^(?:\/download)?(?:\/storage\/v1)?\/b\/([^/]+)\/o(?:\/(.+))?$/.exec(p))) {
      const bucket = decodeURIComponent(m[1]);
      if (!m[2]) {
        if (method !== "GET") return gcsError(res, 405, "method not allowed");
        return json(res, 200, list(bucket, u.searchParams));
      }
      const name = decodeURIComponent(m[2]);
      const o = objects.get(key(bucket, name));
      if (method === "DELETE") {
        if (!o) return gcsError(res, 404, `No such object: ${bucket}/${name}`);
        objects.delete(key(bucket, name));
        await fsp.rm(o.file, { force: true });
        res.writeHead(204);
        return void res.end();
      }
      if (!o) return gcsError(res, 404, `No such object: ${bucket}/${name}`);
      if (method === "PATCH") {
        const patch = JSON.parse((await readAll(req)).toString("utf8") || "{}") as {
          contentType?: string;
          metadata?: Record<string, string | null>;
        };
        if (patch.contentType) o.contentType = patch.contentType;
        for (const [k, v] of Object.entries(patch.metadata ?? {})) {
          if (v === null) delete o.metadata[k];
          else o.metadata[k] = v;
        }
        o.updated = new Date().toISOString();
        return json(res, 200, resource(o));
      }
      if (method === "GET" || method === "HEAD") {
        if (u.searchParams.get("alt") === "media") return sendMedia(req, res, o);
        return json(res, 200, resource(o));
      }
      return gcsError(res, 405, "method not allowed");
    }

    // Signed URLs and path-style public URLs: /{bucket}/{object}
    if ((m = /^\/([^/]+)\/(.+)$/.exec(p)) && (method === "GET" || method === "HEAD")) {
      const bucket = decodeURIComponent(m[1]);
      const name = m[2].split("/").map(decodeURIComponent).join("/");
      const refused = verifySignedUrl(u, bucket, name);
      if (refused) {
        const details = refused.details ? `<Details>${refused.details}</Details>` : "";
        res.writeHead(refused.status, { "Content-Type": "application/xml; charset=UTF-8" });
        return void res.end(
          `<?xml version='1.0' encoding='UTF-8'?><Error><Code>${refused.code}</Code><Message>${refused.message}</Message>${details}</Error>`,
        );
      }
      const o = objects.get(key(bucket, name));
      if (!o) {
        res.writeHead(404, { "Content-Type": "application/xml" });
        return void res.end("<Error><Code>NoSuchKey</Code></Error>");
      }
      // As a bucket whose CORS configuration allows GET from the web client: the 3D
      // viewer fetches the GLB's signed URL from the page (README, Deploying).
      if (req.headers.origin) res.setHeader("Access-Control-Allow-Origin", "*");
      return sendMedia(req, res, o);
    }
    gcsError(res, 404, `Not found: ${method} ${p}`);
  }

  function list(bucket: string, q: URLSearchParams) {
    const prefix = q.get("prefix") ?? "";
    const delimiter = q.get("delimiter");
    const max = Math.min(Number(q.get("maxResults") ?? 1000) || 1000, 1000);
    const start = q.get("pageToken") ?? "";
    const names = [...objects.values()]
      .filter((o) => o.bucket === bucket && o.name.startsWith(prefix) && o.name > start)
      .sort((a, b) => (a.name < b.name ? -1 : 1));
    const items: StoredObject[] = [];
    const prefixes = new Set<string>();
    for (const o of names) {
      if (delimiter) {
        const rest = o.name.slice(prefix.length);
        const i = rest.indexOf(delimiter);
        if (i >= 0) {
          prefixes.add(prefix + rest.slice(0, i + delimiter.length));
          continue;
        }
      }
      items.push(o);
    }
    const page = items.slice(0, max);
    const body: Record<string, unknown> = { kind: "storage#objects", items: page.map(resource) };
    if (prefixes.size) body.prefixes = [...prefixes];
    if (items.length > max) body.nextPageToken = page[page.length - 1].name;
    return body;
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err: Error) => {
      if (!res.headersSent) gcsError(res, 500, err.message);
      else res.destroy(err);
    });
  });
  const listener = await listenLocal(server, opts.port, opts.host);
  baseUrl = listener.url;

  return {
    url: baseUrl,
    port: listener.port,
    objects,
    close: listener.close,
    async read(bucket, name) {
      const o = objects.get(key(bucket, name));
      return o ? fsp.readFile(o.file) : null;
    },
    async clear() {
      for (const o of objects.values()) await fsp.rm(o.file, { force: true });
      objects.clear();
    },
  };
}

class ObjectDigest {
  size = 0;
  md5 = createHash("md5");
  crc = new CRC32C();
  update(chunk: Buffer): void {
    this.size += chunk.length;
    this.md5.update(chunk);
    this.crc.update(chunk);
  }
}

async function appendTo(file: string, source: Readable): Promise<number> {
  let n = 0;
  const counter = new PassThrough();
  counter.on("data", (c: Buffer) => (n += c.length));
  await pipeline(source, counter, createWriteStream(file, { flags: "a" }));
  return n;
}

/**
 * HeyGen simulator: a real HTTP server that follows HeyGen's public API, legacy v1/v2
 * and v3, as its API references, its own CLI and users' reports describe it
 * (endpoints, envelopes, error codes and quirks). Two listeners, like HeyGen: the API
 * host and the legacy upload host (`/v1/asset` exists only there).
 *
 * Test controls (no API key, not counted): programmatic (`sim.faults.push(...)`,
 * `sim.calls`, `sim.hold(...)`, `sim.reset()`) or over HTTP on the API port (`/_sim/*`).
 * Meters for benchmarks: `timings.requestLatencyMs` delays every API answer, and
 * `sim.concurrency` (`GET /_sim/concurrency`, reset with `POST`) counts the API
 * requests in progress and the peak since the last reset.
 */
import { createReadStream, promises as fsp } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { pipeline } from "node:stream/promises";
import { DEFAULT_TIMINGS, SimModel, type SimTimings } from "./model";
import { legacyRoutes } from "./routes-legacy";
import { v3Routes } from "./routes-v3";
import { v3DeleteRoutes } from "./routes-v3-delete";
import { videoListRoutes } from "./routes-video-list";
import { listenLocal } from "../listen";
import { WebhookDispatcher, type WebhookDelivery } from "./webhook-delivery";
import { previewLookup } from "./previews";
import { errorReply, type SimReply, type SimRequest, type SimRoute } from "./http";

export interface SimFault {
  /** Regular expression source matched against the request path. */
  path: string;
  method?: string;
  kind: "status" | "slow" | "malformed" | "quota" | "reset";
  status?: number;
  retryAfterSeconds?: number;
  delayMs?: number;
  /** Run the real handler first, then answer with the fault (the work was done). */
  afterHandler?: boolean;
  /** How many matching requests it hits (default 1). */
  times?: number;
}

export interface SimCall {
  method: string;
  path: string;
  host: "api" | "upload";
  status: number;
  at: number;
  idempotencyKey?: string;
  /** The JSON request body as received (other bodies are not kept). */
  body?: unknown;
}

/**
 * A request held at the door until the test releases it: real overlap between two
 * calls of ours, without sleeping and hoping. `reached` resolves when the matching
 * request has arrived (and is held); `release()` lets it through to the handler.
 */
export interface SimHold {
  reached: Promise<void>;
  release(): void;
}

export interface HeygenSimOptions {
  apiPort?: number;
  uploadPort?: number;
  apiKey?: string;
  timings?: Partial<SimTimings>;
  mediaDir?: string;
  /** Signing secret given to every registered webhook endpoint (default: a new one each). */
  webhookSecret?: string;
}

export interface HeygenSim {
  apiUrl: string;
  uploadUrl: string;
  apiKey: string;
  model: SimModel;
  faults: SimFault[];
  calls: SimCall[];
  /** Webhook events pushed to registered endpoints (one entry per attempt). */
  webhookDeliveries: WebhookDelivery[];
  /** Pushes (pause, duplicate deliveries). */
  webhookDispatcher: WebhookDispatcher;
  /** API requests in progress now, and the most at once since the last reset. */
  concurrency: { current: number; peak: number };
  /** Calls to HeyGen endpoints since the last reset, optionally filtered by path prefix. */
  countCalls(prefix?: string): number;
  /** Holds the next request whose path matches (regular expression source) and method. */
  hold(path: string, method?: string): SimHold;
  reset(): void;
  setTimings(t: Partial<SimTimings>): void;
  close(): Promise<void>;
}

async function readBody(req: http.IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** `{body}` for a JSON request whose body a handler read, else nothing. */
function jsonOf(req: http.IncomingMessage, bytes: Buffer | undefined): { body?: unknown } {
  if (!bytes || !String(req.headers["content-type"] ?? "").includes("json")) return {};
  try {
    return { body: JSON.parse(bytes.toString("utf8")) as unknown };
  } catch {
    return {};
  }
}

function send(res: http.ServerResponse, reply: SimReply): void {
  const headers: Record<string, string> = { ...(reply.headers ?? {}) };
  if (reply.raw !== undefined) {
    res.writeHead(reply.status, { "Content-Type": "application/json", ...headers });
    res.end(reply.raw);
    return;
  }
  const data = reply.body === undefined ? "" : JSON.stringify(reply.body);
  res.writeHead(reply.status, {
    "Content-Type": "application/json",
    "X-Request-Id": randomBytes(8).toString("hex"),
    ...headers,
  });
  res.end(data);
}

export async function startHeygenSim(opts: HeygenSimOptions = {}): Promise<HeygenSim> {
  const mediaDir =
    opts.mediaDir ?? (await fsp.mkdtemp(path.join(os.tmpdir(), "masky-heygen-sim-")));
  const apiKey = opts.apiKey ?? "sim-heygen-api-key";
  let apiUrl = "";
  const model = new SimModel(
    { ...DEFAULT_TIMINGS, ...(opts.timings ?? {}) },
    mediaDir,
    randomBytes(16).toString("hex"),
    () => apiUrl,
  );
  model.webhookSecret = opts.webhookSecret ?? null;
  const dispatcher = new WebhookDispatcher(model);
  model.onVideoCreated = (video) => dispatcher.watch(video);
  const faults: SimFault[] = [];
  const calls: SimCall[] = [];
  const concurrency = { current: 0, peak: 0 };
  const idempotent = new Map<string, SimReply | "in-flight">();
  const holds: { path: RegExp; method?: string; arrived(): void; gate: Promise<void> }[] = [];
  const releases = new Set<() => void>();
  const routes: SimRoute[] = [
    ...legacyRoutes(model, mediaDir),
    ...videoListRoutes(model),
    ...v3Routes(model, mediaDir),
    ...v3DeleteRoutes(model),
  ];

  async function control(req: http.IncomingMessage, res: http.ServerResponse, p: string) {
    const body = req.method === "POST" ? JSON.parse((await readBody(req)).toString() || "{}") : {};
    if (p === "/_sim/calls") return send(res, { status: 200, body: { calls } });
    if (p === "/_sim/concurrency") {
      if (req.method === "POST") concurrency.peak = concurrency.current;
      return send(res, { status: 200, body: concurrency });
    }
    if (p === "/_sim/audio-url-fetches")
      return send(res, { status: 200, body: { fetches: model.audioUrlFetches } });
    if (p === "/_sim/reset") {
      sim.reset();
      return send(res, { status: 200, body: { ok: true } });
    }
    if (p === "/_sim/faults" && req.method === "POST") {
      faults.push(body as SimFault);
      return send(res, { status: 200, body: { faults } });
    }
    if (p === "/_sim/faults" && req.method === "DELETE") {
      faults.length = 0;
      return send(res, { status: 200, body: { faults } });
    }
    if (p === "/_sim/timings" && req.method === "POST") {
      sim.setTimings(body as Partial<SimTimings>);
      return send(res, { status: 200, body: model.timings });
    }
    if (p === "/_sim/webhook-deliveries") {
      if (req.method === "POST") dispatcher.paused = Boolean((body as { paused?: unknown }).paused);
      return send(res, {
        status: 200,
        body: { paused: dispatcher.paused, deliveries: dispatcher.deliveries },
      });
    }
    if (p === "/_sim/next-video-failure" && req.method === "POST") {
      model.nextVideoFailure = body as { code: number; message: string };
      return send(res, { status: 200, body: { ok: true } });
    }
    if (p === "/_sim/next-look-failure" && req.method === "POST") {
      const message = (body as { message?: unknown }).message;
      model.nextLookFailure = typeof message === "string" && message ? message : null;
      return send(res, { status: 200, body: { ok: true } });
    }
    send(res, { status: 404, body: { error: "unknown control" } });
  }

  const preview = previewLookup(mediaDir);

  async function serveMedia(req: http.IncomingMessage, res: http.ServerResponse, u: URL) {
    if (u.pathname.startsWith("/media/previews/")) {
      // The public catalogue's previews: unsigned and cacheable, like HeyGen's CDN links.
      const found = await preview(u.pathname);
      if (found.status === 404) return void res.writeHead(404).end();
      const size = "body" in found ? found.body.length : (await fsp.stat(found.file)).size;
      res.writeHead(200, {
        "Content-Type": found.type,
        "Content-Length": size,
        "Cache-Control": "public, max-age=86400",
      });
      if (req.method === "HEAD") return void res.end();
      if ("body" in found) return void res.end(found.body);
      return pipeline(createReadStream(found.file), res);
    }
    const problem = model.checkSignedMediaUrl(u.pathname, u.searchParams);
    if (problem) {
      res.writeHead(403, { "Content-Type": "application/xml" });
      return void res.end(`<Error><Code>AccessDenied</Code><Message>${problem}</Message></Error>`);
    }
    const m = /^\/media\/(videos|thumbnails|images)\/([a-f0-9]+)\.(mp4|jpg|png)$/.exec(u.pathname);
    let file: string | null = null;
    let type = "video/mp4";
    if (m?.[1] === "videos") file = model.videoFile(m[2]);
    if (m?.[1] === "thumbnails" || m?.[1] === "images") {
      const asset = model.assets.get(m[2]) ?? null;
      const video = model.videos.get(m[2]) ?? null;
      file = asset?.file ?? video?.imageFile ?? null;
      type = asset?.mime ?? "image/jpeg";
    }
    const stat = file ? await fsp.stat(file).catch(() => null) : null;
    if (!file || !stat) {
      res.writeHead(404);
      return void res.end();
    }
    res.writeHead(200, { "Content-Type": type, "Content-Length": stat.size });
    if (req.method === "HEAD") return void res.end();
    await pipeline(createReadStream(file), res);
  }

  async function handle(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    host: "api" | "upload",
  ) {
    const u = new URL(req.url ?? "/", "http://sim");
    const p = u.pathname;
    const method = req.method ?? "GET";
    if (host === "api" && p.startsWith("/_sim/")) return control(req, res, p);
    if (p.startsWith("/media/")) {
      // CDN downloads: no API key, but faults apply (tests of archival retries).
      const f = faults.find(
        (x) => (!x.method || x.method === method) && new RegExp(x.path).test(p),
      );
      if (f) {
        f.times = (f.times ?? 1) - 1;
        if (f.times <= 0) faults.splice(faults.indexOf(f), 1);
        if (f.kind === "slow") await new Promise((r) => setTimeout(r, f.delayMs ?? 5000));
        else if (f.kind === "reset") return void req.socket.destroy();
        else {
          res.writeHead(f.status ?? 500);
          return void res.end();
        }
      }
      return serveMedia(req, res, u);
    }

    const matched = routes
      .map((r) => ({ r, m: r.host === host ? r.pattern.exec(p) : null }))
      .find((x) => x.m && x.r.method === method);
    const api =
      matched?.r.api ?? (p.startsWith("/v3/") ? "v3" : p.startsWith("/v1/") ? "v1" : "v2");
    let bodyBytes: Buffer | undefined;
    const record = (status: number) =>
      calls.push({
        method,
        path: p,
        host,
        status,
        at: Date.now(),
        idempotencyKey: req.headers["idempotency-key"] as string | undefined,
        ...jsonOf(req, bodyBytes),
      });

    const key = req.headers["x-api-key"];
    if (key !== apiKey) {
      record(401);
      return send(
        res,
        errorReply(api, 401, api === "v1" ? 40009 : "unauthorized", "Invalid API key"),
      );
    }
    const held = holds.find((h) => (!h.method || h.method === method) && h.path.test(p));
    if (held) {
      holds.splice(holds.indexOf(held), 1);
      held.arrived();
      await held.gate;
    }
    const fault = faults.find(
      (f) => (!f.method || f.method === method) && new RegExp(f.path).test(p),
    );
    if (fault) {
      fault.times = (fault.times ?? 1) - 1;
      if (fault.times <= 0) faults.splice(faults.indexOf(fault), 1);
    }
    const faultReply = (): SimReply | "reset" | null => {
      if (!fault || fault.kind === "slow") return null;
      if (fault.kind === "reset") return "reset";
      if (fault.kind === "malformed") return { status: 200, raw: '{"data": {"video_id": ' };
      if (fault.kind === "quota") {
        return api === "v3"
          ? errorReply(api, 402, "insufficient_credit", "Insufficient credit: balance 0, cost 1")
          : errorReply(api, 400, 400140, "Exceed rate limit", "Daily rate limit exceeded");
      }
      const status = fault.status ?? 500;
      const reply =
        status === 429
          ? errorReply(api, 429, "rate_limit_exceeded", "Too many requests")
          : errorReply(api, status, "internal_error", "Internal server error");
      if (status === 429)
        reply.headers = { ...reply.headers, "Retry-After": String(fault.retryAfterSeconds ?? 1) };
      return reply;
    };
    if (fault?.kind === "slow") await new Promise((r) => setTimeout(r, fault.delayMs ?? 5000));
    if (fault && !fault.afterHandler) {
      const r = faultReply();
      if (r === "reset") {
        record(0);
        return void req.socket.destroy();
      }
      if (r) {
        record(r.status);
        return send(res, r);
      }
    }
    if (!matched?.m) {
      record(404);
      return send(
        res,
        errorReply(api, 404, api === "v3" ? "not_found" : 404, `No route ${method} ${p}`),
      );
    }
    const simReq: SimRequest = {
      method,
      path: p,
      query: u.searchParams,
      headers: req.headers,
      req,
      body: async () => (bodyBytes ??= await readBody(req)),
    };
    // v3 Idempotency-Key: replay the first answer for 24 h; 409 while it is in flight.
    const idemKey =
      api === "v3" && method === "POST"
        ? (req.headers["idempotency-key"] as string | undefined)
        : undefined;
    const scope = idemKey ? `${p}|${idemKey}` : null;
    if (scope) {
      const seen = idempotent.get(scope);
      if (seen === "in-flight") {
        record(409);
        return send(
          res,
          errorReply(
            "v3",
            409,
            "request_in_progress",
            "A request with this Idempotency-Key is in progress",
          ),
        );
      }
      if (seen) {
        record(seen.status);
        return send(res, seen);
      }
      idempotent.set(scope, "in-flight");
    }
    let reply: SimReply;
    try {
      reply = await matched.r.handle(simReq, matched.m);
    } catch (err) {
      reply = errorReply(api, 500, "internal_error", (err as Error).message);
    }
    if (scope) {
      if (reply.status < 500) idempotent.set(scope, reply);
      else idempotent.delete(scope);
    }
    if (fault?.afterHandler) {
      const r = faultReply();
      if (r === "reset") {
        record(0);
        return void req.socket.destroy();
      }
      if (r) reply = r;
    }
    record(reply.status);
    send(res, reply);
  }

  const listen = async (port: number, host: "api" | "upload") => {
    const server = http.createServer((req, res) => {
      const metered =
        !(req.url ?? "").startsWith("/_sim/") && !(req.url ?? "").startsWith("/media/");
      if (metered) {
        concurrency.current++;
        concurrency.peak = Math.max(concurrency.peak, concurrency.current);
      }
      const latency = metered ? model.timings.requestLatencyMs : 0;
      const delayed = latency > 0 ? new Promise((r) => setTimeout(r, latency)) : Promise.resolve();
      delayed
        .then(() => handle(req, res, host))
        .catch((err: Error) => {
          if (!res.headersSent)
            send(res, {
              status: 500,
              body: { error: { code: "internal_error", message: err.message } },
            });
          else res.destroy();
        })
        .finally(() => {
          if (metered) concurrency.current--;
        });
    });
    return listenLocal(server, port);
  };

  const apiServer = await listen(opts.apiPort ?? 0, "api");
  const uploadServer = await listen(opts.uploadPort ?? 0, "upload");
  apiUrl = apiServer.url;
  const uploadUrl = uploadServer.url;

  const sim: HeygenSim = {
    apiUrl,
    uploadUrl,
    apiKey,
    model,
    faults,
    calls,
    webhookDeliveries: dispatcher.deliveries,
    webhookDispatcher: dispatcher,
    concurrency,
    countCalls: (prefix) => calls.filter((c) => !prefix || c.path.startsWith(prefix)).length,
    hold(pathSource, method) {
      let arrived!: () => void;
      let release!: () => void;
      const reached = new Promise<void>((r) => (arrived = r));
      const gate = new Promise<void>((r) => (release = r));
      releases.add(release);
      holds.push({ path: new RegExp(pathSource), method, arrived, gate });
      return {
        reached,
        release: () => {
          releases.delete(release);
          release();
        },
      };
    },
    reset() {
      // Nothing stays held across tests.
      for (const release of releases) release();
      releases.clear();
      holds.length = 0;
      calls.length = 0;
      faults.length = 0;
      model.audioUrlFetches.length = 0;
      concurrency.peak = concurrency.current;
      model.nextVideoFailure = null;
      model.nextLookFailure = null;
      dispatcher.duplicates = 0;
    },
    setTimings(t) {
      Object.assign(model.timings, t);
    },
    async close() {
      for (const release of releases) release();
      dispatcher.stop();
      await model.settle();
      await apiServer.close();
      await uploadServer.close();
    },
  };
  return sim;
}

/**
 * HTTP transport to HeyGen: `X-Api-Key` auth, a timeout on every call, both legacy
 * envelopes (`{code:100,data,message}`, `{error:null,data}`) and v3's (`{data}` /
 * `{error:{code,message}}`), zod parsing of `data`, and the retry policy of HeyGen's
 * own CLI (internal/client/retry.go): 429 always, honouring `Retry-After` (capped);
 * 5xx, timeouts and network errors only for idempotent calls (GET, or a POST carrying
 * an Idempotency-Key); exponential backoff with jitter. A video create without an
 * idempotency key is therefore never retried on a 5xx (double billing).
 */
import axios, { type AxiosResponse } from "axios";
import type { z } from "zod";
import { log } from "../../logs";
import { HeygenError, classifyHeygenError, type HeygenErrorKind } from "./errors";
import { backoffMs, parseRetryAfter, retryWaitMs } from "../http/retry";

export interface HeygenTransportOptions {
  apiKey: string;
  timeoutMs?: number;
  maxRetries?: number;
  retryAfterCapSeconds?: number;
  backoffBaseMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

export interface HeygenRequest<S extends z.ZodType> {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  baseUrl: string;
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  /** JSON value, or a factory for bodies that cannot be sent twice (streams, forms). */
  body?: unknown | (() => unknown);
  headers?: Record<string, string>;
  /** Schema of the envelope's `data`. */
  schema: S;
  idempotencyKey?: string;
  timeoutMs?: number;
}

const sleepFor = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export function encodePath(strings: TemplateStringsArray, ...values: string[]): string {
  return strings.reduce((out, s, i) => {
    if (i === 0) return s;
    const v = values[i - 1];
    if (!v || v === "." || v === "..") throw new Error(`Invalid path parameter: "${v}"`);
    return out + encodeURIComponent(v) + s;
  }, "");
}

interface EnvelopeError {
  code?: string | number;
  message?: string;
}

/** Reads the error part of any HeyGen envelope, or null when the body reports success. */
export function envelopeError(body: unknown): EnvelopeError | null {
  if (!body || typeof body !== "object") return null;
  const b = body as Record<string, unknown>;
  if (b.error && typeof b.error === "object") {
    const e = b.error as Record<string, unknown>;
    return {
      code: typeof e.code === "number" || typeof e.code === "string" ? e.code : undefined,
      message:
        typeof e.message === "string"
          ? e.message
          : typeof e.detail === "string"
            ? e.detail
            : undefined,
    };
  }
  if (typeof b.error === "string" && b.error)
    return { code: b.error, message: String(b.message ?? b.error) };
  // v1: code 100 is success; any other code is an error.
  if (typeof b.code === "number" && b.code !== 100) {
    return { code: b.code, message: typeof b.message === "string" ? b.message : undefined };
  }
  return null;
}

export class HeygenTransport {
  private readonly opts: Required<Omit<HeygenTransportOptions, "apiKey">>;

  constructor(private readonly options: HeygenTransportOptions) {
    this.opts = {
      timeoutMs: options.timeoutMs ?? 30000,
      maxRetries: options.maxRetries ?? 2,
      retryAfterCapSeconds: options.retryAfterCapSeconds ?? 30,
      backoffBaseMs: options.backoffBaseMs ?? 500,
      sleep: options.sleep ?? sleepFor,
    };
  }

  async request<S extends z.ZodType>(req: HeygenRequest<S>): Promise<z.output<S>> {
    return (await this.requestPage(req)).data;
  }

  /** Like `request`, plus v3's list cursor (`has_more` / `next_token`). */
  async requestPage<S extends z.ZodType>(
    req: HeygenRequest<S>,
  ): Promise<{ data: z.output<S>; nextToken: string | null }> {
    const safeToRepeat =
      req.method === "GET" || req.method === "DELETE" || req.idempotencyKey !== undefined;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.once(req, attempt);
      } catch (err) {
        if (!(err instanceof HeygenError) || attempt >= this.opts.maxRetries) throw err;
        const retryable =
          err.kind === "rate_limited" ||
          (err.kind === "upstream" && safeToRepeat) ||
          (err.code === "request_in_progress" && req.idempotencyKey !== undefined);
        if (!retryable) throw err;
        const wait = retryWaitMs(
          err.retryAfterSeconds,
          this.opts.retryAfterCapSeconds,
          backoffMs(attempt, { baseMs: this.opts.backoffBaseMs, capMs: 8000, jitter: "half" }),
        );
        log.warn("heygen call retried", {
          path: req.path,
          attempt: attempt + 1,
          kind: err.kind,
          waitMs: wait,
        });
        await this.opts.sleep(wait);
      }
    }
  }

  private async once<S extends z.ZodType>(
    req: HeygenRequest<S>,
    attempt: number,
  ): Promise<{ data: z.output<S>; nextToken: string | null }> {
    const started = Date.now();
    const headers: Record<string, string> = {
      "X-Api-Key": this.options.apiKey,
      Accept: "application/json",
      ...(req.headers ?? {}),
    };
    if (req.idempotencyKey) headers["Idempotency-Key"] = req.idempotencyKey;
    const body = typeof req.body === "function" ? (req.body as () => unknown)() : req.body;
    let res: AxiosResponse<string>;
    try {
      res = await axios.request<string>({
        method: req.method,
        url: req.baseUrl + req.path,
        params: req.query,
        data: body,
        headers,
        timeout: req.timeoutMs ?? this.opts.timeoutMs,
        responseType: "text",
        transformResponse: [(d: unknown) => d],
        validateStatus: () => true,
        maxBodyLength: Infinity,
        maxContentLength: 50 * 1024 * 1024,
        maxRedirects: 0,
      });
    } catch (err) {
      const code = (err as { code?: string }).code;
      const timedOut = code === "ECONNABORTED" || code === "ETIMEDOUT";
      throw new HeygenError(
        "upstream",
        timedOut
          ? `HeyGen did not answer within ${req.timeoutMs ?? this.opts.timeoutMs} ms`
          : "HeyGen could not be reached",
        { cause: err },
      );
    }
    const requestId = res.headers["x-request-id"] as string | undefined;
    log.debug("heygen call", {
      method: req.method,
      path: req.path,
      status: res.status,
      ms: Date.now() - started,
      attempt,
      requestId,
    });
    let parsed: unknown;
    try {
      parsed = res.data ? JSON.parse(res.data) : undefined;
    } catch {
      parsed = undefined;
      if (res.status < 400) {
        throw new HeygenError(
          "upstream",
          `HeyGen answered ${req.path} with a body that is not JSON`,
          {
            status: res.status,
            requestId,
          },
        );
      }
    }
    const envErr = envelopeError(parsed);
    if (res.status >= 400 || envErr) {
      const kind: HeygenErrorKind = classifyHeygenError(res.status, envErr?.code);
      throw new HeygenError(kind, envErr?.message ?? `HeyGen answered HTTP ${res.status}`, {
        status: res.status,
        code: envErr?.code,
        requestId,
        retryAfterSeconds: parseRetryAfter(res.headers["retry-after"]),
      });
    }
    const data = (parsed as { data?: unknown } | undefined)?.data;
    const result = req.schema.safeParse(data);
    if (!result.success) {
      const issue = result.error.issues[0];
      const where = ["data", ...(issue?.path ?? []).map(String)].join(".");
      throw new HeygenError(
        "upstream",
        `HeyGen's answer to ${req.path} changed shape: ${where}: ${issue?.message}`,
        {
          status: res.status,
          requestId,
        },
      );
    }
    const page = parsed as { has_more?: unknown; next_token?: unknown };
    const nextToken =
      page.has_more === true && typeof page.next_token === "string" ? page.next_token : null;
    return { data: result.data, nextToken };
  }
}

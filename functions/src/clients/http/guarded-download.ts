/**
 * GET of an upstream file (a provider's model, HeyGen's MP4) under a policy: only
 * hosts of an allowlist (exact `host`, `host:port`, or `*.suffix`), https (http only
 * for a loopback host the allowlist names: the local simulators), redirects followed
 * by hand and only inside the allowlist, credential headers sent only to the one host
 * they belong to (never after a redirect elsewhere), a byte cap, and one timeout for
 * the whole transfer (not per chunk).
 */
import type { Readable } from "node:stream";
import { Transform } from "node:stream";
import axios from "axios";

export type DownloadRefusal = "host" | "too_large" | "timeout" | "redirects";

export class DownloadRefused extends Error {
  constructor(
    readonly reason: DownloadRefusal,
    message: string,
  ) {
    super(message);
    this.name = "DownloadRefused";
  }
}

export interface DownloadPolicy {
  /** What is downloaded, for messages ("Didimo's package download"). */
  what: string;
  allowedHosts: readonly string[];
  /** Headers carrying credentials and the one host (`host[:port]`) that may receive them. */
  credentials?: { host: string; headers: Record<string, string> };
  maxBytes: number;
  timeoutMs: number;
  maxRedirects?: number;
}

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);

/** Whether `url`'s host is named by an allowlist entry (and its scheme acceptable). */
export function hostAllowed(url: URL, allowed: readonly string[]): boolean {
  const host = url.hostname.toLowerCase();
  const named = allowed.some((raw) => {
    const entry = raw.trim().toLowerCase();
    if (!entry) return false;
    if (entry.startsWith("*.")) return host.endsWith(entry.slice(1)) && host !== entry.slice(2);
    return entry.includes(":") ? entry === url.host.toLowerCase() : entry === host;
  });
  if (!named) return false;
  return url.protocol === "https:" || (url.protocol === "http:" && LOOPBACK.has(host));
}

export interface GuardedResponse {
  status: number;
  /** The body, failing with DownloadRefused past the byte cap or the timeout. */
  body: Readable;
  finalUrl: string;
}

/** Opens the download; the caller consumes (or `resume()`s) `body`. */
export async function guardedGet(url: string, policy: DownloadPolicy): Promise<GuardedResponse> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), policy.timeoutMs);
  const timedOut = () =>
    new DownloadRefused("timeout", `${policy.what} took longer than ${policy.timeoutMs / 1000} s`);
  let current = new URL(url);
  try {
    for (let hop = 0; ; hop++) {
      if (!hostAllowed(current, policy.allowedHosts)) {
        throw new DownloadRefused(
          "host",
          `${policy.what} points to ${current.protocol}//${current.host}, which is not an allowed download host`,
        );
      }
      const creds = policy.credentials;
      const headers = creds && creds.host === current.host ? creds.headers : {};
      const res = await axios
        .get<Readable>(current.toString(), {
          responseType: "stream",
          maxRedirects: 0,
          headers,
          signal: abort.signal,
          validateStatus: () => true,
        })
        .catch((err: unknown) => {
          throw abort.signal.aborted ? timedOut() : err;
        });
      const location = res.headers["location"] as string | undefined;
      if (res.status >= 300 && res.status < 400 && location) {
        res.data.resume();
        if (hop >= (policy.maxRedirects ?? 3)) {
          throw new DownloadRefused("redirects", `${policy.what} redirected too often`);
        }
        current = new URL(location, current);
        continue;
      }
      const declared = Number(res.headers["content-length"] ?? NaN);
      if (declared > policy.maxBytes) {
        res.data.destroy();
        throw tooLarge(policy);
      }
      let left = policy.maxBytes;
      const capped = new Transform({
        transform(chunk: Buffer, _enc, done) {
          left -= chunk.length;
          done(left < 0 ? tooLarge(policy) : null, left < 0 ? undefined : chunk);
        },
      });
      res.data.on("error", (err) => capped.destroy(abort.signal.aborted ? timedOut() : err));
      capped.on("close", () => {
        clearTimeout(timer);
        res.data.destroy(); // a refused or abandoned body frees its connection
      });
      res.data.pipe(capped);
      return { status: res.status, body: capped, finalUrl: current.toString() };
    }
  } catch (err) {
    clearTimeout(timer);
    throw err;
  }
}

function tooLarge(policy: DownloadPolicy): DownloadRefused {
  return new DownloadRefused(
    "too_large",
    `${policy.what} is larger than ${Math.round(policy.maxBytes / (1024 * 1024))} MB`,
  );
}

/**
 * One HTTP call to a photoreal provider: timeout, the provider's error body mapped to a
 * typed ProviderError (kind from the status, `Retry-After` kept), and the answer
 * zod-parsed so a changed API fails loudly with the field's path.
 */
import { createWriteStream } from "node:fs";
import { rm } from "node:fs/promises";
import { pipeline } from "node:stream/promises";
import axios, { type AxiosRequestConfig } from "axios";
import type { z } from "zod";
import { ProviderError, kindForStatus } from "./types";
import { MAX_MODEL_BYTES, tooLarge } from "./size-limit";
import { DownloadRefused, guardedGet } from "../http/guarded-download";
import { parseRetryAfter } from "../http/retry";

export async function providerRequest<S extends z.ZodType>(
  provider: string,
  schema: S,
  cfg: AxiosRequestConfig,
  timeoutMs: number,
): Promise<z.output<S>> {
  let res;
  try {
    res = await axios.request({ timeout: timeoutMs, validateStatus: () => true, ...cfg });
  } catch (err) {
    throw new ProviderError(
      "upstream",
      `${provider} could not be reached (${(err as Error).message})`,
    );
  }
  if (res.status >= 400) {
    const body = (res.data ?? {}) as {
      detail?: string;
      description?: string;
      error_description?: string;
      message?: string;
    };
    const reason =
      body.detail ?? body.description ?? body.error_description ?? body.message ?? "error";
    throw new ProviderError(
      kindForStatus(res.status),
      `${provider} answered ${res.status}: ${reason}`,
      res.status,
      parseRetryAfter(res.headers["retry-after"]),
    );
  }
  const parsed = schema.safeParse(res.data);
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    throw new ProviderError(
      "upstream",
      `${provider}'s answer changed shape: ${i?.path.join(".")}: ${i?.message}`,
    );
  }
  return parsed.data;
}

export interface ProviderDownload {
  /** Hosts the file (and any redirect) may come from: see download-hosts.ts. */
  allowedHosts: readonly string[];
  /** Credential headers, sent only to their own host (`host[:port]`). */
  credentials?: { host: string; headers: Record<string, string> };
  maxBytes?: number;
  timeoutMs?: number;
}

/**
 * Streams a provider's file (model, zip) to `target` on disk through guardedGet (host
 * allowlist, redirects inside it, credentials only to their host, byte cap, timeout);
 * a non-200 becomes a typed error, more than `maxBytes` a `too_large` one, a host
 * outside the allowlist an `unsupported` one (the partial file is removed).
 */
export async function downloadToFile(
  what: string,
  url: string,
  target: string,
  opts: ProviderDownload,
): Promise<void> {
  const maxBytes = opts.maxBytes ?? MAX_MODEL_BYTES;
  const policy = {
    what,
    allowedHosts: opts.allowedHosts,
    credentials: opts.credentials,
    maxBytes,
    timeoutMs: opts.timeoutMs ?? 120000,
  };
  try {
    const res = await guardedGet(url, policy);
    if (res.status !== 200) {
      res.body.resume();
      throw new ProviderError(
        kindForStatus(res.status),
        `${what} answered ${res.status}`,
        res.status,
      );
    }
    await pipeline(res.body, createWriteStream(target));
  } catch (err) {
    await rm(target, { force: true });
    if (!(err instanceof DownloadRefused)) {
      if (err instanceof ProviderError) throw err;
      throw new ProviderError("upstream", `${what} failed (${(err as Error).message})`);
    }
    if (err.reason === "too_large") throw tooLarge(what, maxBytes);
    if (err.reason === "timeout") throw new ProviderError("upstream", err.message);
    throw new ProviderError(
      "unsupported",
      `${err.message}; the operator can allow it in PROVIDER_DOWNLOAD_HOSTS`,
    );
  }
}

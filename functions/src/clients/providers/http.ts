/**
 * One HTTP call to a photoreal provider: timeout, the provider's error body mapped to a
 * typed ProviderError (kind from the status, `Retry-After` kept), and the answer
 * zod-parsed so a changed API fails loudly with the field's path.
 */
import { createWriteStream } from "node:fs";
import { rm } from "node:fs/promises";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import axios, { type AxiosRequestConfig } from "axios";
import type { z } from "zod";
import { ProviderError, kindForStatus } from "./types";
import { MAX_MODEL_BYTES, byteLimit, tooLarge } from "./size-limit";

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
    const retry = Number(res.headers["retry-after"]);
    throw new ProviderError(
      kindForStatus(res.status),
      `${provider} answered ${res.status}: ${reason}`,
      res.status,
      Number.isFinite(retry) ? retry : undefined,
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

/**
 * Streams a provider's file (model, zip) to `target` on disk; a non-200 becomes a typed
 * error, and more than `maxBytes` a `too_large` one (the partial file is removed).
 */
export async function downloadToFile(
  what: string,
  url: string,
  target: string,
  headers: Record<string, string> = {},
  maxBytes = MAX_MODEL_BYTES,
): Promise<void> {
  const res = await axios.get<Readable>(url, {
    responseType: "stream",
    timeout: 120000,
    headers,
    validateStatus: () => true,
  });
  if (res.status !== 200) {
    res.data.resume();
    throw new ProviderError(
      kindForStatus(res.status),
      `${what} answered ${res.status}`,
      res.status,
    );
  }
  const declared = Number(res.headers["content-length"] ?? NaN);
  if (declared > maxBytes) {
    res.data.destroy();
    throw tooLarge(what, maxBytes);
  }
  try {
    await pipeline(
      res.data,
      byteLimit({ left: maxBytes }, what, maxBytes),
      createWriteStream(target),
    );
  } catch (err) {
    await rm(target, { force: true });
    throw err;
  }
}

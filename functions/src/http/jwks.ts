/**
 * Public keys from a JSON Web Key Set (App Check's signing keys), fetched over HTTPS and
 * cached per URL for the max-age the server gives (6 hours without one). A key id the
 * cache does not know triggers one early refresh, at most every 30 seconds, so a key
 * rotation is picked up at once and a stream of unknown ids costs nothing.
 */
import { createPublicKey, type KeyObject } from "node:crypto";
import { z } from "zod";
import { ApiError } from "../errors";
import { log } from "../logs";

const jwksSchema = z.object({
  keys: z.array(
    z.looseObject({ kid: z.string().min(1), kty: z.literal("RSA"), n: z.string(), e: z.string() }),
  ),
});

const DEFAULT_MAX_AGE_MS = 6 * 3600 * 1000;
const REFRESH_AT_MOST_EVERY_MS = 30 * 1000;

interface KeySet {
  keys: Map<string, KeyObject>;
  fetchedAt: number;
  maxAgeMs: number;
}

const cache = new Map<string, KeySet>();
const inFlight = new Map<string, Promise<KeySet>>();

function maxAgeOf(cacheControl: string | null): number {
  const m = /max-age=(\d+)/.exec(cacheControl ?? "");
  return m ? Number(m[1]) * 1000 : DEFAULT_MAX_AGE_MS;
}

async function fetchKeySet(url: string, now: number): Promise<KeySet> {
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(5000) });
  } catch (err) {
    throw new ApiError("UPSTREAM_ERROR", "App Check keys could not be fetched; try again.", {
      cause: err,
    });
  }
  const parsed = jwksSchema.safeParse(res.ok ? await res.json().catch(() => null) : null);
  if (!parsed.success) {
    throw new ApiError("UPSTREAM_ERROR", "App Check keys could not be read; try again.", {
      cause: new Error(`JWKS at ${url}: HTTP ${res.status}, not a key set`),
    });
  }
  const keys = new Map<string, KeyObject>();
  for (const jwk of parsed.data.keys) {
    try {
      keys.set(jwk.kid, createPublicKey({ key: jwk, format: "jwk" }));
    } catch (err) {
      log.warn("an App Check key could not be imported", { kid: jwk.kid, error: err });
    }
  }
  return { keys, fetchedAt: now, maxAgeMs: maxAgeOf(res.headers.get("cache-control")) };
}

function refresh(url: string, now: number): Promise<KeySet> {
  let pending = inFlight.get(url);
  if (!pending) {
    pending = fetchKeySet(url, now)
      .then((set) => {
        cache.set(url, set);
        return set;
      })
      .finally(() => inFlight.delete(url));
    inFlight.set(url, pending);
  }
  return pending;
}

/** The public key with this id at `url`, or null when the key set has none. */
export async function publicKeyFor(
  url: string,
  kid: string,
  now = Date.now(),
): Promise<KeyObject | null> {
  let set = cache.get(url);
  const stale = !set || now - set.fetchedAt >= set.maxAgeMs;
  const unknown = set !== undefined && !set.keys.has(kid);
  if (stale || (unknown && set !== undefined && now - set.fetchedAt >= REFRESH_AT_MOST_EVERY_MS)) {
    try {
      set = await refresh(url, now);
    } catch (err) {
      // Keys that expired a moment ago still verify better than none: App Check keys
      // are valid for days after they stop signing.
      if (!set) throw err;
      log.warn("App Check keys could not be refreshed; using the cached ones", { error: err });
    }
  }
  return set?.keys.get(kid) ?? null;
}

/** Forgets every cached key set (tests that rotate keys). */
export function clearKeyCache(): void {
  cache.clear();
}

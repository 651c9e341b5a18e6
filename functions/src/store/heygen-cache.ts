/**
 * heygen_cache/{apiVersion}-{kind}: HeyGen's public catalogue (`avatars`, `voices`) as the
 * listings fetched it, with when (services/heygen/listings.ts). Server only: the rules
 * deny every client access. Items are kept as HeyGen's client returned them; the
 * listing parses what it serves.
 */
import type { Firestore } from "firebase-admin/firestore";
import { z } from "zod";
import { zodConverter } from "./typed";

/** heygen_cache/{apiVersion}-{kind}. */
export const heygenCacheSchema = z.object({
  items: z.array(z.unknown()),
  /** When it was fetched (ms). */
  fetchedAt: z.number(),
});
export type HeygenCache = z.infer<typeof heygenCacheSchema>;

export type ListingKind = "avatars" | "voices";

const cacheRef = (db: Firestore, apiVersion: "v2" | "v3", kind: ListingKind) =>
  db
    .collection("heygen_cache")
    .doc(`${apiVersion}-${kind}`)
    .withConverter(zodConverter(heygenCacheSchema));

/** The cached listing, or null when there is none (or it is not of this shape). */
export async function readListingCache(
  db: Firestore,
  apiVersion: "v2" | "v3",
  kind: ListingKind,
): Promise<HeygenCache | null> {
  try {
    return (await cacheRef(db, apiVersion, kind).get()).data() ?? null;
  } catch {
    return null;
  }
}

export async function writeListingCache(
  db: Firestore,
  apiVersion: "v2" | "v3",
  kind: ListingKind,
  cache: HeygenCache,
): Promise<void> {
  await cacheRef(db, apiVersion, kind).set(cache);
}

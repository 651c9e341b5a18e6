/**
 * `avatars` and `voices`: HeyGen's catalogue, cached in Firestore
 * (heygen_cache/{version}-{kind}) for HEYGEN_LIST_CACHE_SECONDS so a page load does
 * not spend HeyGen quota. When HeyGen fails, a stale copy is served if there is one.
 */
import type { AppContext } from "../../context";
import { log } from "../../logs";
import { heygenClientFor } from "./client";
import { heygenToApiError } from "./upstream-errors";

export type ListingKind = "avatars" | "voices";

export async function cachedListing(
  app: AppContext,
  kind: ListingKind,
): Promise<{ items: unknown[]; cached: boolean }> {
  const ref = app.db.doc(`heygen_cache/${app.config.heygen.apiVersion}-${kind}`);
  const snap = await ref.get();
  const fetchedAt = snap.get("fetchedAt") as number | undefined;
  const items = snap.get("items") as unknown[] | undefined;
  const now = app.clock.now().getTime();
  if (items && fetchedAt && now - fetchedAt < app.config.heygen.listCacheSeconds * 1000) {
    return { items, cached: true };
  }
  try {
    const client = heygenClientFor(app);
    const fresh = kind === "avatars" ? await client.listAvatars() : await client.listVoices();
    await ref.set({ items: fresh, fetchedAt: now });
    return { items: fresh, cached: false };
  } catch (err) {
    if (items) {
      log.warn(`HeyGen ${kind} listing failed; serving the stale cache`, { error: err });
      return { items, cached: true };
    }
    throw heygenToApiError(err, `listing ${kind}`);
  }
}

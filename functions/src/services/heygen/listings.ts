/**
 * `avatars` and `voices`: HeyGen's catalogue, cached in Firestore
 * (heygen_cache/{version}-{kind}) for HEYGEN_LIST_CACHE_SECONDS so a page load does
 * not spend HeyGen quota. When HeyGen fails, a stale copy is served if there is one.
 * `generate` checks a script's voice against the same cached voices.
 *
 * Only HeyGen's public avatars are cached: the account's talking photos (every
 * user's face, listed by v2's `/v2/avatars`) never are. Each caller then sees the
 * public catalogue plus their own looks, from their own Firestore documents.
 */
import { z } from "zod";
import type { AppContext } from "../../context";
import type { AvatarSummary } from "../../clients/heygen";
import { listOwnLooks } from "../../store/looks";
import { readListingCache, writeListingCache, type ListingKind } from "../../store/heygen-cache";
import { log } from "../../logs";
import { heygenClientFor } from "./client";
import { heygenToApiError } from "./upstream-errors";

export type { ListingKind } from "../../store/heygen-cache";

export async function cachedListing(
  app: AppContext,
  kind: ListingKind,
): Promise<{ items: unknown[]; cached: boolean }> {
  const version = app.config.heygen.apiVersion;
  const cached = await readListingCache(app.db, version, kind);
  const items = cached?.items;
  const fetchedAt = cached?.fetchedAt;
  const now = app.clock.now().getTime();
  if (items && fetchedAt && now - fetchedAt < app.config.heygen.listCacheSeconds * 1000) {
    return { items, cached: true };
  }
  try {
    const client = heygenClientFor(app);
    const fresh =
      kind === "avatars"
        ? (await client.listAvatars()).filter(isPublicAvatar)
        : await client.listVoices();
    await writeListingCache(app.db, version, kind, { items: fresh, fetchedAt: now });
    return { items: fresh, cached: false };
  } catch (err) {
    if (items) {
      log.warn(`HeyGen ${kind} listing failed; serving the stale cache`, { error: err });
      return { items, cached: true };
    }
    throw heygenToApiError(err, `listing ${kind}`);
  }
}

/** A cached listing as it is, however old, without asking HeyGen (null when none). */
export async function peekListing(app: AppContext, kind: ListingKind): Promise<unknown[] | null> {
  return (await readListingCache(app.db, app.config.heygen.apiVersion, kind))?.items ?? null;
}

const voiceItem = z.object({
  id: z.string(),
  language: z.string().nullish(),
  gender: z.string().nullish(),
  supportLocale: z.boolean().optional(),
});
export type CachedVoice = z.infer<typeof voiceItem>;

/** The cached voices (fetched when the cache is cold or old), typed. */
export async function cachedVoices(app: AppContext): Promise<CachedVoice[]> {
  const { items } = await cachedListing(app, "voices");
  return items.flatMap((i) => {
    const v = voiceItem.safeParse(i);
    return v.success ? [v.data] : [];
  });
}

/**
 * `language` matches the listed language case-insensitively, or its region variants
 * (`en` matches `en-US`); `gender` matches exactly, case-insensitively.
 */
export function filterVoices<T>(items: T[], filter: { language?: string; gender?: string }): T[] {
  const lang = filter.language?.toLowerCase();
  const gender = filter.gender?.toLowerCase();
  return items.filter((item) => {
    const v = voiceItem.safeParse(item);
    if (!v.success) return false;
    const l = v.data.language?.toLowerCase() ?? "";
    if (lang && l !== lang && !l.startsWith(`${lang}-`)) return false;
    if (gender && v.data.gender?.toLowerCase() !== gender) return false;
    return true;
  });
}

/** The default voice of a public avatar, from the avatars cache if it is there (no HeyGen call). */
export async function cachedAvatarDefaultVoice(
  app: AppContext,
  avatarId: string,
): Promise<string | null> {
  const items = (await peekListing(app, "avatars")) ?? [];
  const hit = items
    .map((i) => z.object({ id: z.string(), defaultVoiceId: z.string().nullish() }).safeParse(i))
    .find((r) => r.success && r.data.id === avatarId);
  return hit?.success ? (hit.data.defaultVoiceId ?? null) : null;
}

const isPublicAvatar = (a: AvatarSummary): boolean => a.type === "avatar";

const avatarSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  type: z.enum(["avatar", "talking_photo"]),
  previewImageUrl: z.string().nullable(),
  gender: z.string().nullable(),
  defaultVoiceId: z.string().nullish(),
});

/** The public catalogue, parsed as it is served: public avatars only (never another user's face). */
export async function publicAvatars(
  app: AppContext,
): Promise<{ items: AvatarSummary[]; cached: boolean }> {
  const { items, cached } = await cachedListing(app, "avatars");
  const avatars = items.flatMap((i) => {
    const a = avatarSummarySchema.safeParse(i);
    return a.success && isPublicAvatar(a.data) ? [a.data] : [];
  });
  return { items: avatars, cached };
}

/** GET /api/heygen/avatars: the public catalogue plus the caller's own looks. */
export async function avatarsFor(
  app: AppContext,
  uid: string,
): Promise<{ items: AvatarSummary[]; cached: boolean }> {
  const [{ items, cached }, own] = await Promise.all([
    publicAvatars(app),
    listOwnLooks(app.db, uid, app.config.heygen.apiVersion),
  ]);
  const mine: AvatarSummary[] = own.map((l) => ({
    id: l.talking_photo_id,
    name: "Your photo avatar",
    type: "talking_photo",
    previewImageUrl: null,
    gender: null,
  }));
  return { items: [...mine, ...items], cached };
}

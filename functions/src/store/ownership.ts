/**
 * The ownership decisions every read on behalf of a user makes: a document is the
 * caller's when its owner field is their uid; anything else (missing, malformed, another
 * user's) is the same 404, so a caller cannot tell someone else's id from an unknown one.
 * HeyGen ids are owned through our documents: a video id through the project that
 * created it, a look id through the user's own look documents (of the API version in use),
 * and an explicit avatar id must be one of those looks, the configured fallback or in
 * HeyGen's public catalogue.
 */
import { ApiError, notFound } from "../errors";

/** Whether a document whose owner field is `owner` is the caller's. */
export const ownedBy = (owner: string | null | undefined, uid: string): boolean => owner === uid;

/** The document when it is the caller's; 404 naming `what` for anyone else's, or none. */
export function ownedOrNotFound<T>(
  doc: T | null | undefined,
  ownerOf: (doc: T) => string | null | undefined,
  uid: string,
  what: string,
): T {
  if (doc === null || doc === undefined || !ownedBy(ownerOf(doc), uid)) throw notFound(what);
  return doc;
}

/** The first of `items` that is the caller's (several projects may name one HeyGen video). */
export function firstOwned<T>(
  items: readonly T[],
  ownerOf: (item: T) => string | null | undefined,
  uid: string,
): T | undefined {
  return items.find((item) => ownedBy(ownerOf(item), uid));
}

/** Whether one of the user's look documents is of `apiVersion` (any version when unset). */
export const hasLookOfVersion = (
  looks: readonly { apiVersion: string }[],
  apiVersion: string | undefined,
): boolean => looks.some((look) => !apiVersion || look.apiVersion === apiVersion);

/**
 * What an explicit `heygenAvatarId` is to the caller: "own" (one of their looks), "public"
 * (the configured fallback, or in the public catalogue), or 404: the id is never sent on.
 * `inCatalogue` is asked only when the id is neither theirs nor the fallback.
 */
export async function avatarIdUse(
  avatarId: string,
  facts: {
    ownLook: boolean;
    fallbackAvatarId: string | null;
    inCatalogue: () => Promise<boolean>;
  },
): Promise<"own" | "public"> {
  if (facts.ownLook) return "own";
  if (avatarId === facts.fallbackAvatarId) return "public";
  if (await facts.inCatalogue()) return "public";
  throw new ApiError(
    "NOT_FOUND",
    `Avatar ${avatarId} is not in HeyGen's public catalogue and is not one of your photo avatars; pick one from GET /api/heygen/avatars.`,
  );
}

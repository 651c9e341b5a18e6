/**
 * Step 2 of the Masky flow (the look step), for a user photo: the user's single look
 * group `masky_{uid}` (HeyGen's photo-avatar group) and a look per distinct photo (identified by the sha256 of its bytes).
 * The same photo again reuses its look (no HeyGen call); a new photo adds a look to
 * the group. Waits until the look is usable: a pending look fails video creation
 * (legacy `photar_not_found`). A look still pending when the wait ends is a
 * `LookNotReady` (generate then defers to the background, project-generation.ts).
 */
import type { AppContext } from "../../context";
import type { HeygenClient } from "../../clients/heygen";
import { ApiError } from "../../errors";
import { log, logUserId } from "../../logs";
import { findGroupId, findLook, saveLook, setLookStatus } from "../../store/looks";
import { withUserLock } from "../../store/locks";
import { rememberHeygenAsset } from "../../store/heygen-assets";
import type { LocalMedia } from "../media/prepare";
import { folderName } from "./ensure-folder";

export interface UsableLook {
  lookId: string;
  /** The look's default voice (v3), null when HeyGen did not say or the look predates it. */
  defaultVoiceId: string | null;
}

export interface LookWaitOptions {
  timeoutMs: number;
  sleep?: (ms: number) => Promise<void>;
}

/** The look exists but HeyGen has not finished it within the wait. */
export class LookNotReady extends Error {
  constructor(readonly lookId: string) {
    super(`HeyGen look ${lookId} is still being prepared`);
    this.name = "LookNotReady";
  }
}

/**
 * A look HeyGen has just been asked for is never ready at once (real looks take 30–90
 * s): the first read waits this long instead of spending a call on a certain "pending".
 */
export const NEW_LOOK_FIRST_READ_MS = 1000;

async function waitUntilUsable(
  app: AppContext,
  client: HeygenClient,
  uid: string,
  lookId: string,
  imageHash: string,
  opts: LookWaitOptions & { justCreated: boolean },
): Promise<string | null> {
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const deadline = Date.now() + opts.timeoutMs;
  if (opts.justCreated) {
    if (NEW_LOOK_FIRST_READ_MS > opts.timeoutMs) throw new LookNotReady(lookId);
    await sleep(NEW_LOOK_FIRST_READ_MS);
  }
  for (let delay = NEW_LOOK_FIRST_READ_MS; ; delay = Math.min(delay * 1.5, 5000)) {
    const look = await client.getLook(lookId);
    if (look.status === "completed") {
      const defaultVoiceId = look.defaultVoiceId ?? null;
      await setLookStatus(app.db, uid, imageHash, "completed", app.clock.now(), defaultVoiceId);
      return defaultVoiceId;
    }
    if (look.status === "failed") {
      await setLookStatus(app.db, uid, imageHash, "failed", app.clock.now());
      throw new ApiError(
        "INVALID_REQUEST",
        `HeyGen could not make an avatar from this photo${look.error ? ` (${look.error})` : ""}; upload a clear, front-facing photo.`,
      );
    }
    if (Date.now() + delay > deadline) throw new LookNotReady(lookId);
    await sleep(delay);
  }
}

export async function ensureLook(
  app: AppContext,
  client: HeygenClient,
  uid: string,
  photo: LocalMedia,
  avatarUrl: string,
  opts: LookWaitOptions,
): Promise<UsableLook> {
  const known = await findLook(app.db, uid, photo.sha256, client.version);
  if (known?.lookStatus === "completed")
    return { lookId: known.talking_photo_id, defaultVoiceId: known.defaultVoiceId ?? null };
  if (known?.lookStatus === "failed") {
    throw new ApiError(
      "INVALID_REQUEST",
      "HeyGen could not make an avatar from this photo; upload a different one.",
    );
  }
  const { lookId, created } = known
    ? { lookId: known.talking_photo_id, created: false }
    : await withUserLock(app.db, uid, "heygen-group", async (lease) => {
        const again = await findLook(app.db, uid, photo.sha256, client.version);
        if (again) return { lookId: again.talking_photo_id, created: false };
        const groupId = (await findGroupId(app.db, uid, client.version)) ?? undefined;
        const image = await client.uploadImage(photo, `image-${uid}-${photo.sha256}`);
        await rememberHeygenAsset(
          app.db,
          uid,
          { assetId: image.assetId, kind: "image", apiVersion: client.version },
          app.clock.now(),
        );
        const look = await client.createLook({
          name: folderName(uid),
          image,
          groupId,
          idempotencyKey: `look-${uid}-${photo.sha256}`,
        });
        await saveLook(
          lease,
          app.db,
          uid,
          {
            avatar_group_id: look.groupId,
            talking_photo_id: look.lookId,
            lookStatus: look.status,
            imageHash: photo.sha256,
            avatarUrl,
            apiVersion: client.version,
          },
          app.clock.now(),
        );
        log.info(groupId ? "HeyGen look added to the user's group" : "HeyGen look group created", {
          user: logUserId(uid),
          groupId: look.groupId,
          lookId: look.lookId,
        });
        return { lookId: look.lookId, created: true };
      });
  const defaultVoiceId = await waitUntilUsable(app, client, uid, lookId, photo.sha256, {
    ...opts,
    justCreated: created,
  });
  return { lookId, defaultVoiceId };
}

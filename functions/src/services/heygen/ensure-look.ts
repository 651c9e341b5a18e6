/**
 * Step 2 of the Masky flow (the look step), for a user photo: the user's single look
 * group `masky_{uid}` (HeyGen's photo-avatar group) and a look per distinct photo (identified by the sha256 of its bytes).
 * The same photo again reuses its look (no HeyGen call); a new photo adds a look to
 * the group. Waits until the look is usable: a pending look fails video creation
 * (legacy `photar_not_found`).
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

async function waitUntilUsable(
  app: AppContext,
  client: HeygenClient,
  uid: string,
  lookId: string,
  imageHash: string,
  opts: LookWaitOptions,
): Promise<string | null> {
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const deadline = Date.now() + opts.timeoutMs;
  for (let delay = 500; ; delay = Math.min(delay * 1.5, 5000)) {
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
    if (Date.now() + delay > deadline) {
      throw new ApiError(
        "UPSTREAM_ERROR",
        "HeyGen is still processing your photo; try again in a minute.",
      );
    }
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
  const lookId = known
    ? known.talking_photo_id
    : await withUserLock(app.db, uid, "heygen-group", async (lease) => {
        const again = await findLook(app.db, uid, photo.sha256, client.version);
        if (again) return again.talking_photo_id;
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
        return look.lookId;
      });
  const defaultVoiceId = await waitUntilUsable(app, client, uid, lookId, photo.sha256, opts);
  return { lookId, defaultVoiceId };
}

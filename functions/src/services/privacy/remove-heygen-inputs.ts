/**
 * The `heygen_face` and `heygen_voice` inputs of one user: videos still rendering end
 * `cancelled` (and are deleted at HeyGen where the API allows), the looks and groups
 * made from their photos and the assets uploaded for them are deleted at HeyGen (v3;
 * v2 documents no delete: reported), and the photos or recordings are deleted from
 * Storage. Finished and archived videos (outputs) are kept; erasure deletes them.
 */
import type { AppContext } from "../../context";
import { secrets } from "../../config";
import { createHeygenClient, type HeygenClient } from "../../clients/heygen";
import { deleteLook, looksOfUser } from "../../store/looks";
import { forgetHeygenAsset, listHeygenAssets } from "../../store/heygen-assets";
import { markVideoDeleted, projectsOfUser } from "../../store/project-queries";
import { cancelVideo, videoInFlight } from "../../store/project-video";
import { removeUpstream, type RemovalReport } from "./removal-report";
import { deleteInputs } from "./storage-inputs";

export const NOT_DELETABLE_ON_V2 = "HeyGen's legacy (v2) API documents no delete for this object";

/** A client per API version: a user's objects may come from either. */
export function heygenClients(app: AppContext): (version: "v2" | "v3") => HeygenClient {
  const clients = new Map<string, HeygenClient>();
  return (version) => {
    let c = clients.get(version);
    if (!c) {
      c = createHeygenClient({ ...app.config.heygen, apiVersion: version }, secrets.heygenApiKey());
      clients.set(version, c);
    }
    return c;
  };
}

/** Cancels the user's unfinished videos (all, or those that may show their face). */
export async function cancelPendingVideos(
  app: AppContext,
  uid: string,
  report: RemovalReport,
  opts: { onlyWithUserFace: boolean; code: string; message: string },
): Promise<void> {
  for (const { id, project: p } of await projectsOfUser(app.db, uid)) {
    if (!p.heygenVideoId || !videoInFlight(p)) continue;
    if (opts.onlyWithUserFace && p.fallbackAvatarUsed === true) continue;
    const videoId = p.heygenVideoId;
    const cancelled = await cancelVideo(
      app.db,
      id,
      videoId,
      { code: opts.code, message: opts.message },
      app.clock.now(),
    );
    if (!cancelled) continue;
    report.cancelled.videos.push(id);
    await removeProjectVideo(app, id, videoId, p.video?.apiVersion ?? "v3", report);
  }
}

/**
 * Deletes a project's video at HeyGen and marks the project (`heygenVideoDeletedAt`)
 * once it is deleted or known not deletable, so a later pass does not ask again.
 */
export async function removeProjectVideo(
  app: AppContext,
  projectId: string,
  videoId: string,
  apiVersion: "v2" | "v3",
  report: RemovalReport,
): Promise<void> {
  const handled = await removeUpstream(
    report,
    { system: "heygen", kind: "video", id: videoId },
    () => heygenClients(app)(apiVersion).deleteVideo(videoId),
    NOT_DELETABLE_ON_V2,
  );
  if (handled) {
    await markVideoDeleted(app.db, projectId, app.clock.now());
  }
}

/** Deletes the user's assets of one kind at HeyGen, and our record of each one deleted. */
async function removeAssets(
  app: AppContext,
  uid: string,
  kind: "image" | "audio",
  report: RemovalReport,
): Promise<void> {
  const client = heygenClients(app);
  for (const asset of await listHeygenAssets(app.db, uid, kind)) {
    const ok = await removeUpstream(
      report,
      { system: "heygen", kind: "asset", id: asset.assetId },
      () => client(asset.apiVersion).deleteAsset(asset.assetId),
      NOT_DELETABLE_ON_V2,
    );
    if (!ok) continue;
    report.firestore.push(await forgetHeygenAsset(app.db, uid, asset.assetId));
  }
}

/** Looks (then their groups) at HeyGen, and our look documents once handled. */
async function removeLooks(app: AppContext, uid: string, report: RemovalReport): Promise<void> {
  const client = heygenClients(app);
  const groups = new Map<string, "v2" | "v3">();
  for (const { id, look } of await looksOfUser(app.db, uid)) {
    groups.set(look.avatar_group_id, look.apiVersion);
    const ok = await removeUpstream(
      report,
      { system: "heygen", kind: "look", id: look.talking_photo_id },
      () => client(look.apiVersion).deleteLook(look.talking_photo_id),
      NOT_DELETABLE_ON_V2,
    );
    if (!ok) continue;
    report.firestore.push(await deleteLook(app.db, uid, id));
  }
  for (const [groupId, version] of groups) {
    await removeUpstream(
      report,
      { system: "heygen", kind: "group", id: groupId },
      () => client(version).deleteGroup(groupId),
      NOT_DELETABLE_ON_V2,
    );
  }
}

export async function removeHeygenFaceInputs(
  app: AppContext,
  uid: string,
  report: RemovalReport,
  cancel: { code: string; message: string },
): Promise<void> {
  await cancelPendingVideos(app, uid, report, { onlyWithUserFace: true, ...cancel });
  await removeLooks(app, uid, report);
  await removeAssets(app, uid, "image", report);
  report.storage.push(...(await deleteInputs(app.config.storageBucket, uid, "photo")));
}

export async function removeHeygenVoiceInputs(
  app: AppContext,
  uid: string,
  report: RemovalReport,
  cancel: { code: string; message: string },
): Promise<void> {
  await cancelPendingVideos(app, uid, report, { onlyWithUserFace: false, ...cancel });
  await removeAssets(app, uid, "audio", report);
  report.storage.push(...(await deleteInputs(app.config.storageBucket, uid, "voice")));
}

/**
 * Step 1 of the Masky flow: the user's HeyGen folder `masky_{uid}`, created once even
 * under concurrent requests (user lock + re-check). Any failure is a warning: the
 * video is then created without `folder_id`. v3 has no folders: skipped, logged once.
 */
import type { AppContext } from "../../context";
import type { HeygenClient } from "../../clients/heygen";
import { log, logUserId } from "../../logs";
import { withUserLock } from "../../store/locks";
import { getUser, saveHeygenFolderId } from "../../store/users";

let loggedV3Skip = false;

export const folderName = (uid: string): string => `masky_${uid}`;

export async function ensureFolder(
  app: AppContext,
  client: HeygenClient,
  uid: string,
): Promise<string | undefined> {
  if (!client.supportsFolders) {
    if (!loggedV3Skip) log.info("HeyGen v3 has no folders: the folder step is skipped");
    loggedV3Skip = true;
    return undefined;
  }
  try {
    const known = (await getUser(app.db, uid))?.heygenFolderId;
    if (known) return known;
    return await withUserLock(app.db, uid, "heygen-folder", async (lease) => {
      const again = (await getUser(app.db, uid))?.heygenFolderId;
      if (again) return again;
      const name = folderName(uid);
      const id = (await client.findFolder(name)) ?? (await client.createFolder(name));
      await saveHeygenFolderId(lease, app.db, uid, id, app.clock.now());
      return id;
    });
  } catch (err) {
    log.warn("HeyGen folder unavailable; creating the video without folder_id", {
      user: logUserId(uid),
      error: err,
    });
    return undefined;
  }
}

/**
 * The JSON actions of the web client as callables: thin wrappers over the same
 * services and the same zod schemas as the HTTPS handlers (heygen.ts, avatar.ts).
 */
import { z } from "zod";
import type { CallableAction } from "../http/callable";
import { generateBody, videoStatusQuery } from "./heygen-schemas";
import { preferencesBody, preferencesQuery } from "./avatar-schemas";

const empty = z.object({}).strict();

export const generateAction: CallableAction<typeof generateBody, unknown> = {
  name: "generate_call",
  input: generateBody,
  run: async (app, uid, data) => {
    const { generateVideo } = await import("../services/heygen/generate-video");
    return generateVideo(app, uid, data);
  },
};

export const videoStatusAction: CallableAction<typeof videoStatusQuery, unknown> = {
  name: "video_status_call",
  input: videoStatusQuery,
  run: async (app, uid, data) => {
    const { refreshVideoStatus } = await import("../services/heygen/video-status");
    return refreshVideoStatus(app, uid, data.video_id);
  },
};

const listingAction = (kind: "avatars" | "voices"): CallableAction<typeof empty, unknown> => ({
  name: `${kind}_call`,
  input: empty,
  run: async (app) => {
    const { cachedListing } = await import("../services/heygen/listings");
    return { [kind]: (await cachedListing(app, kind)).items };
  },
});
export const avatarsAction = listingAction("avatars");
export const voicesAction = listingAction("voices");

export const savePreferencesAction: CallableAction<typeof preferencesBody, { ok: true }> = {
  name: "save_preferences_call",
  input: preferencesBody,
  run: async (app, uid, body) => {
    const { requireOwnedAsset, upsertPreferences } = await import("../store/preferences");
    await requireOwnedAsset(app.db, body.assetId, uid);
    const { appearance, voice, persona } = body;
    await upsertPreferences(
      app.db,
      uid,
      body.assetId,
      { appearance, voice, persona },
      app.clock.now(),
    );
    return { ok: true };
  },
};

export const getPreferencesAction: CallableAction<typeof preferencesQuery, unknown> = {
  name: "get_preferences_call",
  input: preferencesQuery,
  run: async (app, uid, data) => {
    const { getPreferences } = await import("../store/preferences");
    return getPreferences(app.db, uid, data.assetId);
  },
};

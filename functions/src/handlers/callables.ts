/**
 * The JSON actions of the web client as callables: thin wrappers over the same
 * services and the same zod schemas as the HTTPS handlers (heygen.ts, avatar.ts, me.ts).
 */
import { z } from "zod";
import type { CallableAction } from "../http/callable";
import { generateBody, videoStatusQuery } from "./heygen-schemas";
import { preferencesBody, preferencesQuery } from "./avatar-schemas";
import { consentBody, consentPurposeParams } from "./me-schemas";

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

// ---- Account and data rights: the same services and schemas as /api/me/… (me.ts) ----

export const accountAction: CallableAction<typeof empty, unknown> = {
  name: "me_call",
  input: empty,
  run: async (app, uid) => {
    const { accountState } = await import("../services/consent/record-consent");
    return accountState(app, uid);
  },
};

export const recordConsentAction: CallableAction<typeof consentBody, unknown> = {
  name: "record_consent_call",
  input: consentBody,
  run: async (app, uid, body) => {
    const { recordConsent } = await import("../services/consent/record-consent");
    return recordConsent(app, uid, {
      policyVersion: body.policyVersion,
      ageConfirmed: body.ageConfirmed,
      purposes: body.purposes,
    });
  },
};

export const withdrawConsentAction: CallableAction<typeof consentPurposeParams, unknown> = {
  name: "withdraw_consent_call",
  input: consentPurposeParams,
  run: async (app, uid, data) => {
    const { withdrawConsent } = await import("../services/consent/withdraw-consent");
    return withdrawConsent(app, uid, data.purpose);
  },
};

export const exportDataAction: CallableAction<typeof empty, unknown> = {
  name: "export_data_call",
  input: empty,
  run: async (app, uid) => {
    const { exportUserData } = await import("../services/privacy/export");
    return exportUserData(app, uid);
  },
};

/** Erases the account as DELETE /api/me does: the first run now, the rest by advance_erasures. */
export const deleteAccountAction: CallableAction<typeof empty, { erasureId: string }> = {
  name: "delete_account_call",
  input: empty,
  run: async (app, uid) => {
    const { requestErasure, runErasure } = await import("../services/privacy/erasure");
    const { erasureId } = await requestErasure(app, uid, "user");
    await runErasure(app, erasureId, { force: true });
    return { erasureId };
  },
};

export const erasureStatusAction: CallableAction<typeof empty, unknown> = {
  name: "erasure_status_call",
  input: empty,
  run: async (app, uid) => {
    const { erasureStatus } = await import("../services/privacy/erasure");
    return erasureStatus(app, uid);
  },
};

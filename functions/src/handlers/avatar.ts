/** The photoreal operations (api/operations.ts): validate, authorise, call a service. */
import { defineOperation } from "../api/operation";
import { MAX_SELFIE_BYTES } from "../services/avatar/create-job";
import { payloadTooLarge } from "../http/multipart";
import {
  assetInput,
  assetResponse,
  jobCreatedResponse,
  jobIdInput,
  jobStatusResponse,
  preferencesBody,
  preferencesQuery,
  preferencesResponse,
  preferencesSavedResponse,
  selfieJobInput,
} from "./avatar-schemas";

/** Consent to `avatar_3d` is checked before the selfie is read (`requiresConsent`). */
export const createAvatarJob = defineOperation({
  input: selfieJobInput,
  httpInput: {
    kind: "multipart",
    file: "file",
    maxFileBytes: MAX_SELFIE_BYTES,
    jsonFields: ["options"],
  },
  responses: [{ status: 202, description: "Queued", schema: jobCreatedResponse }],
  doc: { errors: [400, 401, 403, 413, 415, 429] },
  run: async ({ app }, user, { file, options }) => {
    // The multipart parser stops at the limit; a callable's base64 is checked here.
    if (file.data.length > MAX_SELFIE_BYTES) throw payloadTooLarge("file", MAX_SELFIE_BYTES);
    const { createAvatarJob: create } = await import("../services/avatar/create-job");
    return create(app, user.uid, {
      file: {
        field: "file",
        filename: file.filename ?? "",
        declaredType: file.contentType ?? "",
        data: file.data,
      },
      fields: options === undefined ? {} : { options: JSON.stringify(options) },
    });
  },
});

export const avatarJob = defineOperation({
  input: jobIdInput,
  responses: [{ status: 200, description: "Status", schema: jobStatusResponse }],
  doc: { errors: [400, 401, 404] },
  run: async ({ app }, user, { jobId }) => {
    const { getOwnedJob } = await import("../store/avatar-jobs");
    const job = await getOwnedJob(app.db, jobId, user.uid);
    const ended = job.status === "error" || job.status === "cancelled";
    return {
      status: job.status,
      progress: job.progress,
      ...(job.asset_id ? { assetId: job.asset_id } : {}),
      ...(ended && job.error ? { error: job.error } : {}),
      ...(job.action ? { action: job.action } : {}),
    };
  },
});

export const avatarAsset = defineOperation({
  input: assetInput,
  responses: [{ status: 200, description: "Asset", schema: assetResponse }],
  doc: { errors: [400, 401, 404] },
  run: async ({ app }, user, { assetId, visemeMix }) => {
    const { signedAsset } = await import("../services/avatar/asset-url");
    return signedAsset(app, user.uid, assetId, visemeMix);
  },
});

export const savePreferences = defineOperation({
  input: preferencesBody,
  responses: [{ status: 200, description: "Saved", schema: preferencesSavedResponse }],
  doc: { errors: [400, 401, 404] },
  run: async ({ app }, user, { assetId, appearance, voice, persona }) => {
    const { requireOwnedAsset, upsertPreferences } = await import("../store/preferences");
    await requireOwnedAsset(app.db, assetId, user.uid);
    await upsertPreferences(
      app.db,
      user.uid,
      assetId,
      { appearance, voice, persona },
      app.clock.now(),
    );
    return { ok: true as const };
  },
});

export const getPreferences = defineOperation({
  input: preferencesQuery,
  responses: [{ status: 200, description: "Preferences", schema: preferencesResponse }],
  doc: { errors: [400, 401, 404] },
  run: async ({ app }, user, { assetId }) => {
    const { getPreferences: read } = await import("../store/preferences");
    return read(app.db, user.uid, assetId);
  },
});

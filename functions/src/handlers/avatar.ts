/** Thin HTTPS handlers of the photoreal route. */
import { ApiError } from "../errors";
import { route } from "../http/router";
import {
  assetQuery,
  assetResponse,
  jobCreatedResponse,
  jobStatusResponse,
  preferencesBody,
  preferencesQuery,
  preferencesResponse,
  preferencesSavedResponse,
} from "./avatar-schemas";
import { jobOptionsSchema } from "../store/avatar-jobs";

export const avatarJobsRoutes = [
  route({
    method: "POST",
    path: "",
    response: { status: 202, description: "Queued", schema: jobCreatedResponse },
    doc: {
      summary: "Create a photoreal avatar job from a selfie",
      requestBody: {
        kind: "multipart",
        file: { name: "file", description: "JPEG or PNG, at most 10 MB" },
        jsonFields: { options: jobOptionsSchema },
      },
      errors: [400, 401, 403, 413, 415, 429],
    },
    handle: async ({ app, user, req }) => {
      const [{ createAvatarJob, MAX_SELFIE_BYTES }, { parseMultipart }, { requireConsent }] =
        await Promise.all([
          import("../services/avatar/create-job"),
          import("../http/multipart"),
          import("../services/consent/guard"),
        ]);
      // Before the selfie is parsed or stored.
      await requireConsent(app, user.uid, ["avatar_3d"]);
      const raw = (req as { rawBody?: Buffer }).rawBody;
      if (!raw) throw new ApiError("INVALID_REQUEST", "Send the selfie as multipart/form-data.");
      const form = await parseMultipart(raw, req.headers, {
        fileField: "file",
        maxFileBytes: MAX_SELFIE_BYTES,
      });
      return { status: 202, body: await createAvatarJob(app, user.uid, form) };
    },
  }),
  route({
    method: "GET",
    path: "/:jobId",
    response: { status: 200, description: "Status", schema: jobStatusResponse },
    doc: { summary: "The caller's job", errors: [401, 404] },
    handle: async ({ app, user, params }) => {
      const { getOwnedJob } = await import("../store/avatar-jobs");
      const job = await getOwnedJob(app.db, params.jobId, user.uid);
      const body: Record<string, unknown> = { status: job.status, progress: job.progress };
      if (job.asset_id) body.assetId = job.asset_id;
      if ((job.status === "error" || job.status === "cancelled") && job.error)
        body.error = job.error;
      if (job.action) body.action = job.action;
      return { body };
    },
  }),
];

export const avatarAssetsRoutes = [
  route({
    method: "GET",
    path: "/:assetId",
    query: assetQuery,
    response: { status: 200, description: "Asset", schema: assetResponse },
    doc: {
      summary: "Signed URL of the caller's GLB with its blendshape and viseme maps",
      errors: [401, 404],
    },
    handle: async ({ app, user, params, query }) => {
      const { signedAsset } = await import("../services/avatar/asset-url");
      return { body: await signedAsset(app, user.uid, params.assetId, query.visemeMix) };
    },
  }),
];

export const avatarPreferencesRoutes = [
  route({
    method: "POST",
    path: "",
    body: preferencesBody,
    response: { status: 200, description: "Saved", schema: preferencesSavedResponse },
    doc: { summary: "Save preferences for one of the caller's assets", errors: [400, 401, 404] },
    handle: async ({ app, user, body }) => {
      const { requireOwnedAsset, upsertPreferences } = await import("../store/preferences");
      await requireOwnedAsset(app.db, body.assetId, user.uid);
      const { appearance, voice, persona } = body;
      await upsertPreferences(
        app.db,
        user.uid,
        body.assetId,
        { appearance, voice, persona },
        app.clock.now(),
      );
      return { body: { ok: true } };
    },
  }),
  route({
    method: "GET",
    path: "",
    query: preferencesQuery,
    response: { status: 200, description: "Preferences", schema: preferencesResponse },
    doc: { summary: "Preferences of one of the caller's assets", errors: [400, 401, 404] },
    handle: async ({ app, user, query }) => {
      const { getPreferences } = await import("../store/preferences");
      return { body: await getPreferences(app.db, user.uid, query.assetId) };
    },
  }),
];

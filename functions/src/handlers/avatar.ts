/** Thin HTTPS handlers of the photoreal route. */
import { ApiError } from "../errors";
import { route } from "../http/router";
import { preferencesBody, preferencesQuery } from "./avatar-schemas";

export const avatarJobsRoutes = [
  route({
    method: "POST",
    path: "",
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
    handle: async ({ app, user, params }) => {
      const { signedAsset } = await import("../services/avatar/asset-url");
      return { body: await signedAsset(app, user.uid, params.assetId) };
    },
  }),
];

export const avatarPreferencesRoutes = [
  route({
    method: "POST",
    path: "",
    body: preferencesBody,
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
    handle: async ({ app, user, query }) => {
      const { getPreferences } = await import("../store/preferences");
      return { body: await getPreferences(app.db, user.uid, query.assetId) };
    },
  }),
];

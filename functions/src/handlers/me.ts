/**
 * `GET /api/me`: the signed-in user's account state (consent per purpose under the
 * current policy, whether a HeyGen folder exists); `POST /api/me/consent` records
 * consent on the server; `DELETE /api/me/consent/{purpose}` withdraws it and removes
 * that purpose's inputs; `DELETE /api/me` erases the account (`GET /api/me/erasure`
 * follows it).
 */
import { route } from "../http/router";
import { ApiError } from "../errors";
import { consentBody, consentPurposeParams } from "./me-schemas";

export const meRoutes = [
  route({
    method: "DELETE",
    path: "",
    handle: async ({ app, user }) => {
      const { requestErasure, runErasure } = await import("../services/privacy/erasure");
      const { erasureId } = await requestErasure(app, user.uid, "user");
      // The first run happens now; what fails is resumed by advance_erasures.
      await runErasure(app, erasureId, { force: true });
      return { status: 202, body: { erasureId } };
    },
  }),
  route({
    method: "GET",
    path: "/export",
    handle: async ({ app, user }) => {
      const { exportUserData } = await import("../services/privacy/export");
      return {
        body: await exportUserData(app, user.uid),
        headers: {
          "Cache-Control": "private, no-store",
          "Content-Disposition": 'attachment; filename="masky-export.json"',
        },
      };
    },
  }),
  route({
    method: "GET",
    path: "/erasure",
    handle: async ({ app, user }) => {
      const { erasureStatus } = await import("../services/privacy/erasure");
      return { body: await erasureStatus(app, user.uid) };
    },
  }),
  route({
    method: "GET",
    path: "",
    handle: async ({ app, user }) => {
      const { accountState } = await import("../services/consent/record-consent");
      return { body: await accountState(app, user.uid) };
    },
  }),
  route({
    method: "POST",
    path: "/consent",
    body: consentBody,
    handle: async ({ app, user, body }) => {
      const { recordConsent } = await import("../services/consent/record-consent");
      return {
        body: await recordConsent(app, user.uid, {
          policyVersion: body.policyVersion,
          ageConfirmed: body.ageConfirmed,
          purposes: body.purposes,
        }),
      };
    },
  }),
  route({
    method: "DELETE",
    path: "/consent/:purpose",
    handle: async ({ app, user, params }) => {
      const parsed = consentPurposeParams.safeParse(params);
      if (!parsed.success) {
        throw new ApiError(
          "INVALID_REQUEST",
          `Unknown purpose ${params.purpose}: use heygen_face, heygen_voice or avatar_3d.`,
        );
      }
      const { withdrawConsent } = await import("../services/consent/withdraw-consent");
      return { body: await withdrawConsent(app, user.uid, parsed.data.purpose) };
    },
  }),
];

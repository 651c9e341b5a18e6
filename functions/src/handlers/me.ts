/**
 * `GET /api/me`: the signed-in user's account state (consent per purpose under the
 * current policy, whether a HeyGen folder exists); `POST /api/me/consent` records
 * consent on the server; `DELETE /api/me/consent/{purpose}` withdraws it and removes
 * that purpose's inputs; `DELETE /api/me` erases the account (`GET /api/me/erasure`
 * follows it).
 */
import { route } from "../http/router";
import { ApiError } from "../errors";
import {
  accountResponse,
  consentBody,
  consentPurposeParams,
  consentResponse,
  erasureAcceptedResponse,
  erasureResponse,
  exportResponse,
  withdrawalResponse,
} from "./me-schemas";

export const meRoutes = [
  route({
    method: "DELETE",
    path: "",
    response: { status: 202, description: "Erasure accepted", schema: erasureAcceptedResponse },
    doc: {
      summary:
        "Erase the account: HeyGen, the 3D provider, Storage, Firestore, then the Auth user (durable, resumed by advance_erasures)",
      errors: [401],
    },
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
    response: { status: 200, description: "Export", schema: exportResponse },
    doc: {
      summary:
        "Everything stored about the caller as one JSON document, with signed URLs (1 h) to their media",
      errors: [401],
    },
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
    response: { status: 200, description: "Erasure", schema: erasureResponse },
    doc: {
      summary: "The caller's account erasure, readable until the Auth user is gone",
      errors: [401, 404],
    },
    handle: async ({ app, user }) => {
      const { erasureStatus } = await import("../services/privacy/erasure");
      return { body: await erasureStatus(app, user.uid) };
    },
  }),
  route({
    method: "GET",
    path: "",
    response: { status: 200, description: "Account", schema: accountResponse },
    doc: {
      summary: "The caller's account state and consent per purpose under the current policy",
      errors: [401],
    },
    handle: async ({ app, user }) => {
      const { accountState } = await import("../services/consent/record-consent");
      return { body: await accountState(app, user.uid) };
    },
  }),
  route({
    method: "POST",
    path: "/consent",
    body: consentBody,
    response: {
      status: 200,
      description: "Consent per purpose, as GET /api/me shows it",
      schema: consentResponse,
    },
    doc: {
      summary:
        "Record consent to the current policy version for purposes (the server's time, the minimum age confirmed)",
      errors: [400, 401, 409],
    },
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
    response: {
      status: 200,
      description:
        "What was removed, and what could not be (upstream outcome not_deletable or failed)",
      schema: withdrawalResponse,
    },
    doc: {
      summary:
        "Withdraw consent for one purpose: its pending work ends cancelled, its inputs are deleted (Storage, HeyGen, the 3D provider)",
      params: consentPurposeParams,
      errors: [400, 401],
    },
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

/**
 * `GET /api/me`: the signed-in user's account state (consent per purpose under the
 * current policy, whether a HeyGen folder exists); `POST /api/me/consent` records
 * consent on the server.
 */
import { route } from "../http/router";
import { consentBody } from "./me-schemas";

export const meRoutes = [
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
];

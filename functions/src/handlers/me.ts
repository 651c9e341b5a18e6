/**
 * `GET /api/me`: the signed-in user's account state as the web client needs it
 * (whether consent and age were recorded, whether a HeyGen folder exists).
 */
import { route } from "../http/router";
import { getUser } from "../store/users";

export const meRoutes = [
  route({
    method: "GET",
    path: "",
    handle: async ({ app, user }) => {
      const doc = await getUser(app.db, user.uid);
      return {
        body: {
          uid: user.uid,
          ageConfirmed: doc?.age_confirmed === true,
          consentSelfie: doc?.consent_selfie === true,
          hasHeygenFolder: Boolean(doc?.heygenFolderId),
          createdAt: doc?.created_at?.toDate().toISOString() ?? null,
        },
      };
    },
  }),
];

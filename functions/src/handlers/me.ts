/**
 * The account operations (api/operations.ts): account state and consent, withdrawal,
 * export and erasure of the caller's data (`GET /api/me/erasure` follows an erasure).
 */
import { z } from "zod";
import { defineOperation } from "../api/operation";
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

const nothing = z.object({}).strict();

export const me = defineOperation({
  input: nothing,
  responses: [{ status: 200, description: "Account", schema: accountResponse }],
  doc: { errors: [400, 401] },
  run: async ({ app }, user) => {
    const { accountState } = await import("../services/consent/record-consent");
    return accountState(app, user.uid);
  },
});

export const recordConsent = defineOperation({
  input: consentBody,
  responses: [
    {
      status: 200,
      description: "Consent per purpose, as GET /api/me shows it",
      schema: consentResponse,
    },
  ],
  doc: { errors: [400, 401, 409] },
  run: async ({ app }, user, { policyVersion, ageConfirmed, purposes }) => {
    const { recordConsent: record } = await import("../services/consent/record-consent");
    return record(app, user.uid, { policyVersion, ageConfirmed, purposes });
  },
});

export const withdrawConsent = defineOperation({
  input: consentPurposeParams,
  responses: [
    {
      status: 200,
      description:
        "What was removed, and what could not be (upstream outcome not_deletable or failed)",
      schema: withdrawalResponse,
    },
  ],
  doc: { errors: [400, 401] },
  run: async ({ app }, user, { purpose }) => {
    const { withdrawConsent: withdraw } = await import("../services/consent/withdraw-consent");
    return withdraw(app, user.uid, purpose);
  },
});

export const exportData = defineOperation({
  input: nothing,
  responses: [{ status: 200, description: "Export", schema: exportResponse }],
  doc: { errors: [400, 401] },
  run: async ({ app, setHeader }, user) => {
    const { exportUserData } = await import("../services/privacy/export");
    setHeader("Cache-Control", "private, no-store");
    setHeader("Content-Disposition", 'attachment; filename="masky-export.json"');
    const data = await exportUserData(app, user.uid);
    // The stored account document as it is (typed unknown by the service); like every
    // answer, it is checked against the response schema before it is sent.
    return { ...data, account: data.account as Record<string, unknown> | null };
  },
});

/** The first run happens within the request; what fails is resumed by advance_erasures. */
export const deleteAccount = defineOperation({
  input: nothing,
  responses: [{ status: 202, description: "Erasure accepted", schema: erasureAcceptedResponse }],
  doc: { errors: [400, 401] },
  run: async ({ app }, user) => {
    const { requestErasure, runErasure } = await import("../services/privacy/erasure");
    const { erasureId } = await requestErasure(app, user.uid, "user");
    await runErasure(app, erasureId, { force: true });
    return { erasureId };
  },
});

export const erasureStatus = defineOperation({
  input: nothing,
  responses: [{ status: 200, description: "Erasure", schema: erasureResponse }],
  doc: { errors: [400, 401, 404] },
  run: async ({ app }, user) => {
    const { erasureStatus: status } = await import("../services/privacy/erasure");
    return status(app, user.uid);
  },
});

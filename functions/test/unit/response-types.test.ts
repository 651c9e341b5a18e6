/**
 * Compile-time half of the response contract: what each service returns must be
 * assignable to the response schema its route declares (tsc checks this file in
 * `npm run lint`); the router checks the same schemas at run time.
 */
import { expect } from "chai";
import type { z } from "zod";
import type { GenerateResult } from "../../src/services/heygen/generate-video";
import type { AccountState } from "../../src/services/consent/record-consent";
import type { ConsentState } from "../../src/store/consent";
import type { WithdrawalResult } from "../../src/services/consent/withdraw-consent";
import type { RemovalReport } from "../../src/services/privacy/removal-report";
import type { AvatarSummary, VoiceSummary } from "../../src/clients/heygen/types";
import type { WebhookOutcome } from "../../src/services/heygen/webhook";
import type {
  avatarsResponse,
  deleteProjectResponse,
  generateResponse,
  videoStatusResponse,
  voicesResponse,
  webhookResponse,
} from "../../src/handlers/heygen-schemas";
import type {
  accountResponse,
  consentResponse,
  erasureResponse,
  exportResponse,
  withdrawalResponse,
} from "../../src/handlers/me-schemas";
import type {
  assetResponse,
  jobCreatedResponse,
  preferencesResponse,
} from "../../src/handlers/avatar-schemas";
import type { refreshVideoStatus } from "../../src/services/heygen/video-status";
import type { signedAsset } from "../../src/services/avatar/asset-url";
import type { getPreferences } from "../../src/store/preferences";
import type { erasureStatus } from "../../src/services/privacy/erasure";
import type { exportUserData } from "../../src/services/privacy/export";

/** What an async service resolves to. */
type Answer<F extends (...args: never[]) => Promise<unknown>> = Awaited<ReturnType<F>>;
/** Compiles only when A is assignable to B. */
type Assignable<A, B> = [A] extends [B] ? true : never;
const holds = <T extends true>(value: T): T => value;

describe("response schemas match the services' return types (compile time)", () => {
  it("types every service answer as its route's response schema input", () => {
    const checks: true[] = [
      holds<Assignable<GenerateResult, z.input<typeof generateResponse>>>(true),
      holds<Assignable<AccountState, z.input<typeof accountResponse>>>(true),
      holds<Assignable<{ consent: ConsentState }, z.input<typeof consentResponse>>>(true),
      holds<Assignable<WithdrawalResult, z.input<typeof withdrawalResponse>>>(true),
      holds<
        Assignable<
          { projectId: string; removed: RemovalReport },
          z.input<typeof deleteProjectResponse>
        >
      >(true),
      holds<Assignable<{ avatars: AvatarSummary[] }, z.input<typeof avatarsResponse>>>(true),
      holds<Assignable<{ voices: VoiceSummary[] }, z.input<typeof voicesResponse>>>(true),
      holds<Assignable<{ received: true } & WebhookOutcome, z.input<typeof webhookResponse>>>(true),
      holds<Assignable<{ jobId: string }, z.input<typeof jobCreatedResponse>>>(true),
      holds<Assignable<Answer<typeof refreshVideoStatus>, z.input<typeof videoStatusResponse>>>(
        true,
      ),
      holds<Assignable<Answer<typeof signedAsset>, z.input<typeof assetResponse>>>(true),
      holds<Assignable<Answer<typeof getPreferences>, z.input<typeof preferencesResponse>>>(true),
      holds<Assignable<Answer<typeof erasureStatus>, z.input<typeof erasureResponse>>>(true),
      // The export's `account` is the stored document, typed unknown by the service: run time only.
      holds<
        Assignable<
          Omit<Answer<typeof exportUserData>, "account">,
          Omit<z.input<typeof exportResponse>, "account">
        >
      >(true),
    ];
    expect(checks).to.have.length(14);
  });
});

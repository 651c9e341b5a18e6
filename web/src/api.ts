/**
 * The backend as the page sees it: the API's callables, one per operation
 * (`<operation>_call`), typed from the server's operation table and schemas (types
 * only: nothing of the server is bundled). The Firebase SDK sends the ID token, and
 * the App Check token once App Check is set up. Why callables and not the HTTPS
 * routes: docs/api.md. Errors carry the server's code and message (`{error, details?}`
 * in the HttpsError's details).
 */
import type {
  CallableErrorDetails,
  CallableOperationName,
  OperationInput,
  OperationOutput,
} from "../../functions/src/api/contract";
import { functions } from "./firebase";

export type { OperationInput, OperationOutput };

export class ServerError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "ServerError";
  }
}

/** The longest an operation runs on the server (generate: 9 minutes); the SDK's default is 70 s. */
const CALL_TIMEOUT_MS = 10 * 60 * 1000;

/** Runs an operation of the API through its callable. */
export async function call<K extends CallableOperationName>(
  operation: K,
  input: OperationInput<K>,
): Promise<OperationOutput<K>> {
  const { functions: f, fn } = await functions();
  const callable = fn.httpsCallable<OperationInput<K>, OperationOutput<K>>(f, `${operation}_call`, {
    timeout: CALL_TIMEOUT_MS,
  });
  try {
    return (await callable(input)).data;
  } catch (err) {
    const e = err as { message?: string; code?: string; details?: Partial<CallableErrorDetails> };
    const code = e.details?.error ?? e.code?.replace(/^functions\//, "").toUpperCase() ?? "INTERNAL";
    throw new ServerError(code, e.message ?? "Request failed.", e.details?.details);
  }
}

export type ConsentPurpose = OperationInput<"withdraw_consent">["purpose"];
export type Me = OperationOutput<"me">;

export const getMe = () => call("me", {});

/** Consent recorded by the server (time, policy version, minimum age) for these purposes. */
export const recordConsent = (policyVersion: string, purposes: ConsentPurpose[]) =>
  call("record_consent", { policyVersion, ageConfirmed: true, purposes });

/** Withdraws one purpose: pending work for it stops and its inputs are deleted. */
export const withdrawConsent = (purpose: ConsentPurpose) => call("withdraw_consent", { purpose });

/** Deletes a project with its archived video and its video at HeyGen. */
export const deleteProject = (projectId: string) => call("delete_project", { projectId });

/** The selfie's bytes in base64, as the callable carries them. */
function base64Of(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => {
      const url = String(reader.result);
      resolve(url.slice(url.indexOf(",") + 1));
    };
    reader.onerror = () => reject(reader.error ?? new Error("The selfie could not be read."));
    reader.readAsDataURL(blob);
  });
}

/** The selfie → a 3D job. */
export async function createAvatarJob(selfie: Blob): Promise<{ jobId: string }> {
  const contentType = selfie.type || "image/jpeg";
  return call("create_avatar_job", {
    file: {
      data: await base64Of(selfie),
      contentType,
      filename: contentType === "image/png" ? "selfie.png" : "selfie.jpg",
    },
    options: { output: "glb", blendshapes: "arkit", realism: "high" },
  });
}

/** The asset's GLB (signed URL) and its normalised blendshape and viseme maps. */
export type AvatarAsset = OperationOutput<"avatar_asset">;
/** One viseme group of the asset: weights on this asset's own morph target names. */
export type AssetViseme = AvatarAsset["visemes"][string];
/** The seed's six viseme groups the lip-sync plays. */
export type VisemeGroup = "MBP" | "A" | "E" | "O" | "U" | "FV";

export const getAvatarAsset = (assetId: string) => call("avatar_asset", { assetId });

/** Everything the server holds about the caller, as JSON. */
export const exportMyData = () => call("export_data", {});

/** Erases the account: data, media, upstream copies, the Auth user. */
export const deleteMyAccount = () => call("delete_account", {});

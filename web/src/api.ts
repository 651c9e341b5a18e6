/**
 * The backend as the page sees it: HTTPS endpoints through Hosting's rewrites (same
 * origin, ID token as Bearer) and callables. Errors carry the server's code and
 * message (`{error, message, details?}`; callables put them in HttpsError details).
 */
import { firebase, functions } from "./firebase";

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

async function idToken(): Promise<string> {
  const { auth } = await firebase();
  const user = auth.currentUser;
  if (!user) throw new ServerError("UNAUTHENTICATED", "Sign in first.");
  return user.getIdToken();
}

/** Calls a function through its Hosting rewrite (same origin). */
export async function http<T>(
  path: string,
  init: { method?: string; json?: unknown; form?: FormData } = {},
): Promise<T> {
  const headers: Record<string, string> = { Authorization: `Bearer ${await idToken()}` };
  if (init.json !== undefined) headers["Content-Type"] = "application/json";
  const res = await fetch(path, {
    method: init.method ?? (init.json !== undefined || init.form ? "POST" : "GET"),
    headers,
    body: init.form ?? (init.json !== undefined ? JSON.stringify(init.json) : undefined),
  });
  const text = await res.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    /* not JSON */
  }
  if (!res.ok) {
    const e = (body ?? {}) as { error?: string; message?: string; details?: unknown };
    throw new ServerError(
      e.error ?? `HTTP_${res.status}`,
      e.message ?? `The server answered ${res.status}.`,
      e.details,
    );
  }
  return body as T;
}

/** Calls an `onCall` function; its HttpsError details carry `{error, details}`. */
export async function call<T>(name: string, data: unknown): Promise<T> {
  const { functions: f, fn } = await functions();
  try {
    const result = await fn.httpsCallable<unknown, T>(f, name)(data);
    return result.data;
  } catch (err) {
    const e = err as { message?: string; code?: string; details?: unknown };
    const d = (e.details ?? {}) as { error?: string; details?: unknown };
    throw new ServerError(d.error ?? e.code ?? "INTERNAL", e.message ?? "Request failed.", d.details);
  }
}

export type ConsentPurpose = "heygen_face" | "heygen_voice" | "avatar_3d";

export interface ConsentState {
  granted: boolean;
  policyVersion: string | null;
  grantedAt: string | null;
}

export interface Me {
  uid: string;
  ageConfirmed: boolean;
  hasHeygenFolder: boolean;
  /** The privacy policy version consent is recorded under now, and the minimum age. */
  policyVersion: string;
  minimumAge: number;
  consent: Record<ConsentPurpose, ConsentState>;
}

export const getMe = () => http<Me>("/api/me");

/** Consent recorded by the server (time, policy version, minimum age) for these purposes. */
export const recordConsent = (policyVersion: string, purposes: ConsentPurpose[]) =>
  http<{ consent: Me["consent"] }>("/api/me/consent", {
    json: { policyVersion, ageConfirmed: true, purposes },
  });

/** Withdraws one purpose: pending work for it stops and its inputs are deleted. */
export const withdrawConsent = (purpose: ConsentPurpose) =>
  http<unknown>(`/api/me/consent/${purpose}`, { method: "DELETE" });

/** Deletes a project with its archived video and its video at HeyGen. */
export const deleteProject = (projectId: string) =>
  http<unknown>(`/api/projects/${encodeURIComponent(projectId)}`, { method: "DELETE" });

/** `POST /avatar/jobs` (multipart through the Hosting rewrite): the selfie → a 3D job. */
export function createAvatarJob(selfie: Blob): Promise<{ jobId: string }> {
  const form = new FormData();
  const type = selfie.type || "image/jpeg";
  form.append("file", selfie, type === "image/png" ? "selfie.png" : "selfie.jpg");
  form.append("options", JSON.stringify({ output: "glb", blendshapes: "arkit", realism: "high" }));
  return http<{ jobId: string }>("/avatar/jobs", { form });
}

/** One viseme group of the asset: weights on this asset's own morph target names. */
export interface AssetViseme {
  arkit: Record<string, number>;
  morphs: Record<string, number>;
  nativeViseme: string | null;
}
export type VisemeGroup = "MBP" | "A" | "E" | "O" | "U" | "FV";

/** `GET /avatar/assets/:assetId`: the GLB's signed URL and its normalised blendshape map. */
export interface AvatarAsset {
  url: string;
  expiresIn: number;
  blendshapeMap: {
    /** ARKit name → this asset's morph name. */
    arkit: Record<string, string>;
    /** Oculus viseme code → this asset's morph name. */
    visemes: Record<string, string>;
    missing: { arkit: string[]; visemes: string[] };
    unmapped: string[];
  };
  /** The ARKit mixes `visemes` is in: the seed's map (default) or `talkinghead`. */
  visemeMix: "seed" | "talkinghead";
  visemes: Record<VisemeGroup, AssetViseme>;
}

export const getAvatarAsset = (assetId: string) =>
  http<AvatarAsset>(`/avatar/assets/${encodeURIComponent(assetId)}`);

/** Everything the server holds about the caller, as JSON (the same service as GET /api/me/export). */
export const exportMyData = () => call<unknown>("export_data_call", {});

/** Erases the account (the same service as DELETE /api/me): data, media, upstream copies, the Auth user. */
export const deleteMyAccount = () => call<{ erasureId: string }>("delete_account_call", {});

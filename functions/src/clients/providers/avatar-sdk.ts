/**
 * Avatar SDK (itSeez3D) MetaPerson 2.0 adapter, following Avatar SDK's Web API docs,
 * its MetaPerson 2.0 curl samples and its official JavaScript and Unity SDK code:
 * OAuth2 client-credentials token (cached until shortly before `expires_in`), a
 * player id sent as `X-PlayerUID`, multipart `POST /avatars/` with the MetaPerson
 * pipeline and the export parameters of the job's options, then the avatar is
 * polled, then its export, and the export's zip yields the GLB.
 * Every response is zod-parsed. The job's options choose the subtype (`male`/`female`),
 * the morph-target sets (arkit: `mobile_51` + `visemes_15`; basic: `visemes_15`) and the
 * texture profile and LOD (realism high: 2K, LOD1; standard: 1K, LOD2). Uncertain (no
 * public source states them): the file names inside the export zip (we take the first
 * `.glb`).
 */
import { openAsBlob } from "node:fs";
import path from "node:path";
import type { AxiosRequestConfig } from "axios";
import { z } from "zod";
import {
  deletedUnlessMissing,
  ProviderError,
  type DeleteOutcome,
  type PhotorealProvider,
  type ProviderStatus,
} from "./types";
import { downloadToFile, providerRequest } from "./http";
import { providerDownloadHosts } from "./download-hosts";
import { extractFirst } from "./zip";

/**
 * The MetaPerson 2.0 export-parameters object (as in Avatar SDK's MetaPerson 2.0 FAQ on
 * export parameters) for a job's options.
 */
export function metapersonExport(options: {
  blendshapes: "arkit" | "basic";
  realism: "standard" | "high";
}) {
  const high = options.realism === "high";
  return {
    format: "glb",
    embed: true,
    lod: high ? "LOD1" : "LOD2",
    textures: { profile: high ? "2K.jpg" : "1K.jpg", embed: true },
    blendshapes: {
      list: options.blendshapes === "arkit" ? ["mobile_51", "visemes_15"] : ["visemes_15"],
      embed: true,
    },
    haircuts: { list: ["HaircutGenerated"] },
  };
}

const tokenSchema = z.object({ access_token: z.string(), expires_in: z.number().default(36000) });
const avatarSchema = z.object({
  code: z.string(),
  status: z.string(),
  progress: z.number().default(0),
  exports: z.string().optional(),
  status_verbose: z.object({ message: z.string().optional() }).passthrough().nullish(),
});
const exportSchema = z.object({
  code: z.string(),
  status: z.string(),
  files: z.array(z.object({ identity: z.string(), file: z.string() })).default([]),
});

const FAILED = new Set(["Failed", "Timed Out"]);

export class AvatarSdkProvider implements PhotorealProvider {
  readonly name = "avatar-sdk" as const;
  private token: { value: string; until: number } | null = null;
  private player: string | null = null;

  constructor(
    private readonly baseUrl: string,
    /** `client_id:client_secret` of a Client Access application. */
    private readonly credentials: string,
    private readonly timeoutMs = 30000,
  ) {
    this.downloadHosts = providerDownloadHosts("avatar-sdk", baseUrl);
  }

  /** Where export files may come from (createProvider adds PROVIDER_DOWNLOAD_HOSTS). */
  readonly downloadHosts: string[];

  private async call<S extends z.ZodType>(
    schema: S,
    cfg: AxiosRequestConfig,
    auth = true,
    retried = false,
    player: string | null = this.player,
  ): Promise<z.output<S>> {
    const headers: Record<string, string> = { ...((cfg.headers as Record<string, string>) ?? {}) };
    if (auth) {
      headers.Authorization = `Bearer ${await this.accessToken()}`;
      if (player) headers["X-PlayerUID"] = player;
    }
    try {
      return await providerRequest("Avatar SDK", schema, { ...cfg, headers }, this.timeoutMs);
    } catch (err) {
      if (err instanceof ProviderError && err.status === 401 && auth && !retried) {
        // The token expired early or was revoked: authorise again once, as the Unity SDK does.
        this.token = null;
        return this.call(schema, cfg, auth, true, player);
      }
      throw err;
    }
  }

  private async accessToken(): Promise<string> {
    if (this.token && this.token.until > Date.now()) return this.token.value;
    const [id, secret] = this.credentials.split(":");
    if (!id || !secret)
      throw new ProviderError("unauthorized", "PROVIDER_API_KEY must be client_id:client_secret");
    const t = await this.call(
      tokenSchema,
      {
        method: "POST",
        url: `${this.baseUrl}/o/token/`,
        auth: { username: id, password: secret },
        data: new URLSearchParams({ grant_type: "client_credentials" }).toString(),
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
      },
      false,
    );
    this.token = {
      value: t.access_token,
      until: Date.now() + Math.max(60, t.expires_in - 300) * 1000,
    };
    return this.token.value;
  }

  private async ensurePlayer(): Promise<void> {
    if (this.player) return;
    const form = new FormData();
    form.append("comment", "masky backend");
    const p = await this.call(z.object({ code: z.string() }), {
      method: "POST",
      url: `${this.baseUrl}/players/`,
      data: form,
    });
    this.player = p.code;
  }

  async submit(input: {
    jobId: string;
    selfiePath: string;
    contentType: string;
    blendshapes?: "arkit" | "basic";
    realism?: "standard" | "high";
    bodyType?: "female" | "male";
  }) {
    await this.ensurePlayer();
    const blob = await openAsBlob(input.selfiePath, { type: input.contentType });
    const form = new FormData();
    form.append("photo", blob, `selfie${input.contentType === "image/png" ? ".png" : ".jpg"}`);
    form.append("name", `masky-${input.jobId}`);
    form.append("pipeline", "metaperson_2.0");
    form.append("pipeline_subtype", input.bodyType ?? "female");
    form.append("parameters", "{}");
    const exportParams = metapersonExport({
      blendshapes: input.blendshapes ?? "arkit",
      realism: input.realism ?? "high",
    });
    form.append("export_parameters", JSON.stringify(exportParams));
    const avatar = await this.call(avatarSchema, {
      method: "POST",
      url: `${this.baseUrl}/avatars/`,
      data: form,
    });
    // A player reaches only its own avatars: the job id carries the player that made it.
    return { providerJobId: `${this.player}/${avatar.code}` };
  }

  private async exports(player: string, code: string) {
    const url = `${this.baseUrl}/avatars/${encodeURIComponent(code)}/exports/`;
    return this.call(z.array(exportSchema), { method: "GET", url }, true, false, player);
  }

  /** `{player}/{avatar code}` → its parts. */
  private static parseJobId(providerJobId: string): { player: string; code: string } {
    const [player, code] = providerJobId.split("/");
    if (!player || !code)
      throw new ProviderError("not_found", `Not an Avatar SDK job id: ${providerJobId}`);
    return { player, code };
  }

  /** `DELETE avatar.url` (as Avatar SDK's Unity Cloud SDK does), as the player that made it. */
  async deleteAvatar(providerJobId: string): Promise<DeleteOutcome> {
    const { player, code } = AvatarSdkProvider.parseJobId(providerJobId);
    const url = `${this.baseUrl}/avatars/${encodeURIComponent(code)}/`;
    return deletedUnlessMissing(() =>
      this.call(z.unknown(), { method: "DELETE", url }, true, false, player),
    );
  }

  async status(providerJobId: string): Promise<ProviderStatus> {
    const { player, code } = AvatarSdkProvider.parseJobId(providerJobId);
    const url = `${this.baseUrl}/avatars/${encodeURIComponent(code)}/`;
    const avatar = await this.call(avatarSchema, { method: "GET", url }, true, false, player);
    if (FAILED.has(avatar.status)) {
      return {
        state: "error",
        progress: avatar.progress / 100,
        error: `The avatar could not be made from this selfie (${avatar.status_verbose?.message ?? avatar.status}); try a well-lit, front-facing photo.`,
      };
    }
    if (avatar.status !== "Completed")
      return { state: "processing", progress: 0.8 * (avatar.progress / 100) };
    const exp = (await this.exports(player, code))[0];
    if (!exp) return { state: "processing", progress: 0.8 };
    if (FAILED.has(exp.status)) {
      return {
        state: "error",
        progress: 0.8,
        error: "The 3D model export failed at the provider; try again.",
      };
    }
    return exp.status === "Completed"
      ? { state: "done", progress: 1 }
      : { state: "processing", progress: 0.9 };
  }

  async download(providerJobId: string, dir: string) {
    const { player, code } = AvatarSdkProvider.parseJobId(providerJobId);
    const exp = (await this.exports(player, code)).find((e) => e.status === "Completed");
    const file = exp?.files.find((f) => f.identity === "avatar") ?? exp?.files[0];
    if (!file) throw new ProviderError("upstream", "Avatar SDK's export has no model file");
    const zipPath = path.join(dir, "export.zip");
    // The Bearer token goes to the API host only, never to a host a redirect names.
    await downloadToFile("Avatar SDK's export download", file.file, zipPath, {
      allowedHosts: this.downloadHosts,
      credentials: {
        host: new URL(this.baseUrl).host,
        headers: { Authorization: `Bearer ${await this.accessToken()}`, "X-PlayerUID": player },
      },
    });
    const glbPath = path.join(dir, "model.glb");
    const entry = await extractFirst(zipPath, /\.glb$/i, glbPath);
    if (!entry) throw new ProviderError("upstream", "Avatar SDK's export zip holds no .glb");
    return { glbPath };
  }
}

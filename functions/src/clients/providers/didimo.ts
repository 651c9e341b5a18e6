/**
 * Didimo v3 adapter, calling the API the way Didimo's official CLI (didimoinc/cli) and
 * Unity SDK do: `DIDIMO-API-KEY` header, multipart
 * `POST /v3/didimos` from a photo with glTF output, the pose sets the job's
 * `blendshapes` asks for (feature flags) and the `profile` its `realism` asks for,
 * `GET /v3/didimos/{key}` for status/percent, and the glTF package fetched through
 * `DIDIMO-FOLLOW-URI: 0` (JSON `{uri}`, then a GET without the key). The package is a
 * zipped glTF whose facial poses are skeletal animation frames, not morph targets: it
 * is repackaged as one GLB (glTF-Transform) and the pose names (from avatar_info.json,
 * e.g. `ARKit.eyeBlinkLeft: [16, 17]`) are returned for the blendshape map.
 * Unknown (no public source settles them): the exact layout of avatar_info.json (any
 * nested name → frame list is read) and whether the v3 API is still sold.
 */
import { openAsBlob, promises as fsp } from "node:fs";
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
import { extractAll } from "./zip";
import { assertUrisInPackage } from "./gltf-package";

const didimoSchema = z.object({
  key: z.string(),
  status: z.string(),
  percent: z.number().nullish(),
  status_message: z.string().nullish(),
  transfer_formats: z
    .array(z.object({ name: z.string(), __links: z.object({ self: z.string() }) }))
    .default([]),
});

/** Every `name → [frame, …]` pair of avatar_info.json, nested keys joined with ".". */
export function poseNamesOf(info: unknown, prefix = ""): string[] {
  if (!info || typeof info !== "object") return [];
  const out: string[] = [];
  for (const [k, v] of Object.entries(info as Record<string, unknown>)) {
    const name = prefix ? `${prefix}.${k}` : k;
    if (Array.isArray(v) && v.every((x) => typeof x === "number")) out.push(name);
    else out.push(...poseNamesOf(v, k === "poses" ? prefix : name)); // a "poses" wrapper adds no name
  }
  return out;
}

/** Didimo's pose-set flags per `blendshapes` option: ARKit 51 + Oculus visemes, or visemes + simple expressions. */
export const DIDIMO_FEATURES = {
  arkit: ["arkit", "oculus_lipsync"],
  basic: ["oculus_lipsync", "simple_poses"],
} as const;

export class DidimoProvider implements PhotorealProvider {
  readonly name = "didimo" as const;

  constructor(
    private readonly baseUrl: string,
    private readonly apiKey: string,
    private readonly timeoutMs = 30000,
  ) {
    this.downloadHosts = providerDownloadHosts("didimo", baseUrl);
  }

  /** Where package links may point (createProvider adds PROVIDER_DOWNLOAD_HOSTS). */
  readonly downloadHosts: string[];

  private call<S extends z.ZodType>(schema: S, cfg: AxiosRequestConfig): Promise<z.output<S>> {
    const headers = {
      "DIDIMO-API-KEY": this.apiKey,
      ...((cfg.headers as Record<string, string>) ?? {}),
    };
    return providerRequest("Didimo", schema, { maxRedirects: 0, ...cfg, headers }, this.timeoutMs);
  }

  async submit(input: {
    selfiePath: string;
    contentType: string;
    blendshapes?: "arkit" | "basic";
    realism?: "standard" | "high";
  }) {
    const form = new FormData();
    form.append("input_type", "photo");
    form.append(
      "photo",
      await openAsBlob(input.selfiePath, { type: input.contentType }),
      "selfie.jpg",
    );
    form.append("transfer_formats", "gltf");
    // The pose sets are feature flags (Didimo's CLI sends each as the string "true"):
    // only those asked for come back.
    for (const feature of DIDIMO_FEATURES[input.blendshapes ?? "arkit"])
      form.append(feature, "true");
    form.append("profile", input.realism === "standard" ? "optimized" : "standard");
    const d = await this.call(didimoSchema, {
      method: "POST",
      url: `${this.baseUrl}/v3/didimos`,
      data: form,
    });
    return { providerJobId: d.key };
  }

  private get(key: string) {
    return this.call(didimoSchema, {
      method: "GET",
      url: `${this.baseUrl}/v3/didimos/${encodeURIComponent(key)}`,
    });
  }

  /** `DELETE /v3/didimos/{key}` returns 204 (as Didimo's CLI expects). */
  async deleteAvatar(key: string): Promise<DeleteOutcome> {
    return deletedUnlessMissing(() =>
      this.call(z.unknown(), {
        method: "DELETE",
        url: `${this.baseUrl}/v3/didimos/${encodeURIComponent(key)}`,
      }),
    );
  }

  async status(key: string): Promise<ProviderStatus> {
    const d = await this.get(key);
    const progress = Math.min(1, Math.max(0, (d.percent ?? 0) / 100));
    if (d.status === "error" || (d.status !== "done" && d.status_message)) {
      return {
        state: "error",
        progress,
        error: `Didimo could not make an avatar from this selfie (${d.status_message ?? "error"}); try a clear, front-facing photo.`,
      };
    }
    return d.status === "done" ? { state: "done", progress: 1 } : { state: "processing", progress };
  }

  async download(key: string, dir: string) {
    const d = await this.get(key);
    const gltf = d.transfer_formats.find((t) => t.name === "gltf");
    if (!gltf) throw new ProviderError("upstream", "Didimo's result has no glTF package");
    const { uri } = await this.call(z.object({ uri: z.string().url() }), {
      method: "GET",
      url: gltf.__links.self,
      headers: { "DIDIMO-FOLLOW-URI": "0" },
    });
    // The storage link is fetched without the API key.
    const zipPath = path.join(dir, "package.zip");
    await downloadToFile("Didimo's package download", uri, zipPath, {
      allowedHosts: this.downloadHosts,
    });
    const unpacked = path.join(dir, "package");
    const files = await extractAll(zipPath, unpacked);
    const gltfFile = files.find((f) => f.endsWith(".gltf"));
    if (!gltfFile) throw new ProviderError("upstream", "Didimo's package holds no .gltf file");
    const gltfPath = path.join(unpacked, gltfFile);
    await assertUrisInPackage(gltfPath, unpacked);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { NodeIO } = require("@gltf-transform/core") as typeof import("@gltf-transform/core");
    const io = new NodeIO();
    const doc = await io.read(gltfPath);
    const glbPath = path.join(dir, "model.glb");
    await fsp.writeFile(glbPath, await io.writeBinary(doc));
    const infoFile = files.find((f) => path.basename(f) === "avatar_info.json");
    const poseNames = infoFile
      ? poseNamesOf(JSON.parse(await fsp.readFile(path.join(unpacked, infoFile), "utf8")))
      : [];
    return { glbPath, poseNames };
  }
}

/**
 * Didimo v3 adapter, calling the API the way Didimo's official CLI (didimoinc/cli) and
 * Unity SDK do: `DIDIMO-API-KEY` header, multipart
 * `POST /v3/didimos` from a photo with glTF output, the pose sets the job's
 * `blendshapes` asks for (feature flags) and the `profile` its `realism` asks for,
 * `GET /v3/didimos/{key}` for status/percent, and the glTF package fetched through
 * `DIDIMO-FOLLOW-URI: 0` (JSON `{uri}`, then a GET without the key). The package is a
 * zipped glTF whose facial poses are skeletal animation frames, not morph targets
 * (avatar_info.json names each pose's frames, e.g. `ARKit.eyeBlinkLeft: [16, 17]`):
 * every pose is baked into a morph target named with its ARKit name or Oculus viseme
 * code (didimo-bake.ts), the rig dropped, and the result written as one GLB
 * (glTF-Transform), so its face moves like the other providers'.
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
import { bakePoses, type PoseToBake } from "./didimo-bake";
import { MAX_MODEL_BYTES } from "./size-limit";
import { normaliseMorphName } from "../../services/avatar/blendshapes";

const didimoSchema = z.object({
  key: z.string(),
  status: z.string(),
  percent: z.number().nullish(),
  status_message: z.string().nullish(),
  transfer_formats: z
    .array(z.object({ name: z.string(), __links: z.object({ self: z.string() }) }))
    .default([]),
});

const frameList = z.array(z.number().int().nonnegative()).min(1);

/** Every `name → [frame, …]` pair of avatar_info.json, nested keys joined with ".". */
export function posesOf(info: unknown, prefix = ""): { name: string; frames: number[] }[] {
  if (!info || typeof info !== "object") return [];
  const out: { name: string; frames: number[] }[] = [];
  for (const [k, v] of Object.entries(info as Record<string, unknown>)) {
    const name = prefix ? `${prefix}.${k}` : k;
    const frames = frameList.safeParse(v);
    if (frames.success) out.push({ name, frames: frames.data });
    else out.push(...posesOf(v, k === "poses" ? prefix : name)); // a "poses" wrapper adds no name
  }
  return out;
}

/**
 * The morph target each pose becomes: its ARKit name or viseme code (`ARKit.jawOpen` →
 * `jawOpen`, `oculus.PP` → `PP`), other poses under their own name; the first pose of a
 * name wins.
 */
export function posesToBake(poses: { name: string; frames: number[] }[]): PoseToBake[] {
  const out = new Map<string, PoseToBake>();
  for (const { name, frames } of poses) {
    const n = normaliseMorphName(name);
    const morphName = !n ? name : n.kind === "arkit" ? n.name : n.code;
    if (!out.has(morphName)) out.set(morphName, { morphName, frames });
  }
  return [...out.values()];
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
    const infoFile = files.find((f) => path.basename(f) === "avatar_info.json");
    let info: unknown = {};
    try {
      if (infoFile) info = JSON.parse(await fsp.readFile(path.join(unpacked, infoFile), "utf8"));
    } catch {
      throw new ProviderError("upstream", "Didimo's avatar_info.json is not valid JSON");
    }
    bakePoses(doc, posesToBake(posesOf(info)), MAX_MODEL_BYTES);
    // The package keeps one .bin per mesh plus animations.bin; a GLB holds one buffer.
    const [buffer, ...others] = doc.getRoot().listBuffers();
    for (const accessor of doc.getRoot().listAccessors()) accessor.setBuffer(buffer ?? null);
    others.forEach((b) => b.dispose());
    const glbPath = path.join(dir, "model.glb");
    await fsp.writeFile(glbPath, await io.writeBinary(doc));
    return { glbPath };
  }
}

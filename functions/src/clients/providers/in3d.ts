/**
 * in3D adapter. No official documentation of in3D's developer API could be found: the
 * facts here come from several independent third-party clients of
 * `api.developer.in3d.io` that agree, so they are likely but unconfirmed by in3D.
 * in3D cannot take an uploaded selfie: the user scans themselves in in3D's hosted
 * scanner. So `submit` creates a scan and returns the scanner link as the job's
 * `action`; the job then waits for the user, and polls the scan until its GLB is ready
 * (`GET /scans/{id}/result?type=glb` → a temporary URL).
 * Unknown: every scan status value (we treat anything but completed/expired/failed
 * as "not finished") and whether its GLB carries ARKit blendshapes (checked on ingest).
 */
import path from "node:path";
import type { AxiosRequestConfig } from "axios";
import { z } from "zod";
import type { DeleteOutcome, PhotorealProvider, ProviderStatus } from "./types";
import { downloadToFile, providerRequest } from "./http";
import { providerDownloadHosts } from "./download-hosts";

export const IN3D_SCANNER_URL = "https://scan.in3d.io/";

const scanSchema = z.object({
  id: z.string(),
  status: z.string().default("created"),
  eta_minutes: z.number().nullish(),
});

export class In3dProvider implements PhotorealProvider {
  readonly name = "in3d" as const;

  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
    private readonly scannerUrl = IN3D_SCANNER_URL,
    private readonly timeoutMs = 30000,
  ) {
    this.downloadHosts = providerDownloadHosts("in3d", baseUrl);
  }

  /** Where result files may come from (createProvider adds PROVIDER_DOWNLOAD_HOSTS). */
  readonly downloadHosts: string[];

  private call<S extends z.ZodType>(schema: S, cfg: AxiosRequestConfig): Promise<z.output<S>> {
    const headers = {
      Authorization: `Bearer ${this.token}`,
      ...((cfg.headers as Record<string, string>) ?? {}),
    };
    return providerRequest("in3D", schema, { ...cfg, headers }, this.timeoutMs);
  }

  async submit(input: { jobId: string }) {
    const scan = await this.call(scanSchema, {
      method: "POST",
      url: `${this.baseUrl}/scans/new`,
      params: { config: "head_body" },
    });
    const link = new URL(this.scannerUrl);
    link.searchParams.set("scan_id", scan.id);
    return {
      providerJobId: scan.id,
      action: {
        type: "open_url" as const,
        url: link.toString(),
        message: `Open this link on your phone and follow in3D's scan to create your avatar (job ${input.jobId}).`,
      },
    };
  }

  /** No public source describes a delete for an in3D scan: reported, not called. */
  async deleteAvatar(): Promise<DeleteOutcome> {
    return "not_deletable";
  }

  async status(scanId: string): Promise<ProviderStatus> {
    const scan = await this.call(scanSchema, {
      method: "GET",
      url: `${this.baseUrl}/scans/${encodeURIComponent(scanId)}`,
    });
    switch (scan.status) {
      case "completed":
        return { state: "done", progress: 1 };
      case "expired":
        return {
          state: "error",
          progress: 0,
          error: "The in3D scan link expired before a scan was made; create a new job.",
        };
      case "failed":
        return {
          state: "error",
          progress: 0,
          error: "in3D could not build an avatar from the scan; scan again in good light.",
        };
      case "created":
      case "waiting":
        return { state: "waiting_for_user", progress: 0.1 };
      default:
        return { state: "processing", progress: 0.5 };
    }
  }

  async download(scanId: string, dir: string) {
    const result = await this.call(z.object({ url: z.string().url() }), {
      method: "GET",
      url: `${this.baseUrl}/scans/${encodeURIComponent(scanId)}/result`,
      params: { type: "glb" },
    });
    const glbPath = path.join(dir, "model.glb");
    // A temporary link: fetched without the token.
    await downloadToFile("in3D's model download", result.url, glbPath, {
      allowedHosts: this.downloadHosts,
    });
    return { glbPath };
  }
}

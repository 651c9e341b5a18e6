/**
 * A provider's zipped glTF is untrusted: its `buffers[].uri` and `images[].uri` may only
 * name files of the downloaded package (relative, no `..`, no absolute path, no Windows
 * separator or drive, no other host or scheme, not encoded twice, naming a file) or be
 * `data:` URIs. Checked before glTF-Transform reads anything, so a package can never
 * make us read /etc/passwd, another job's files, or a URL.
 */
import { promises as fsp } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { ProviderError } from "./types";

const gltfUris = z
  .object({
    buffers: z.array(z.object({ uri: z.string().optional() }).passthrough()).default([]),
    images: z.array(z.object({ uri: z.string().optional() }).passthrough()).default([]),
  })
  .passthrough();

/** Why `uri` may not be read from the package at `packageDir`, or null when it may. */
export function uriEscape(uri: string, gltfDir: string, packageDir: string): string | null {
  if (uri.startsWith("data:")) return null;
  // The glTF reader decodes a URI once before it opens the file: so do we.
  let decoded: string;
  try {
    decoded = decodeURIComponent(uri);
  } catch {
    return "is not a valid URI";
  }
  // A dot, slash or backslash still encoded after that would be one step from `..`.
  if (/%(2e|2f|5c)/i.test(decoded)) return "is percent-encoded twice";
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(decoded)) return "holds a control character";
  if (/^[a-z][a-z0-9+.-]*:/i.test(decoded) || decoded.startsWith("//")) {
    return "points to another host or scheme";
  }
  if (decoded.startsWith("/") || decoded.includes("\\") || path.isAbsolute(decoded)) {
    return "is an absolute path";
  }
  const segments = decoded.split("/");
  if (segments.includes("..")) return "leaves the package (..)";
  if (segments.every((s) => s === "" || s === ".")) return "names no file";
  const resolved = path.resolve(gltfDir, decoded);
  const root = path.resolve(packageDir) + path.sep;
  if (!resolved.startsWith(root)) return "leaves the package";
  return null;
}

/** Throws an `upstream` ProviderError naming the first URI outside the package. */
export async function assertUrisInPackage(gltfPath: string, packageDir: string): Promise<void> {
  let json: z.infer<typeof gltfUris>;
  try {
    json = gltfUris.parse(JSON.parse(await fsp.readFile(gltfPath, "utf8")));
  } catch {
    throw new ProviderError("upstream", "The provider's glTF file is not valid glTF JSON");
  }
  const gltfDir = path.dirname(gltfPath);
  for (const { uri } of [...json.buffers, ...json.images]) {
    if (uri === undefined) continue;
    const why = uriEscape(uri, gltfDir, packageDir);
    if (why) {
      throw new ProviderError(
        "upstream",
        `The provider's glTF package refers to a file outside it: "${uri.slice(0, 100)}" ${why}`,
      );
    }
  }
}

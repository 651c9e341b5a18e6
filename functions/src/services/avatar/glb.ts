/**
 * GLB ingest: parses with glTF-Transform (never hand-rolled binary parsing), rejects
 * anything that is not a valid GLB, and reads the morph target names of every mesh
 * (glTF keeps them in `mesh.extras.targetNames`).
 */
import { ApiError } from "../../errors";

export interface GlbMorphMesh {
  mesh: string;
  targetNames: string[];
}

export interface GlbInspection {
  meshes: GlbMorphMesh[];
  /** Every morph target name, de-duplicated, in first-seen order. */
  targetNames: string[];
}

export async function inspectGlb(bytes: Uint8Array): Promise<GlbInspection> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { NodeIO } = require("@gltf-transform/core") as typeof import("@gltf-transform/core");
  if (bytes.length < 12 || Buffer.from(bytes.subarray(0, 4)).toString("latin1") !== "glTF") {
    throw new ApiError("UPSTREAM_ERROR", "The provider's model is not a GLB file.");
  }
  let doc;
  try {
    doc = await new NodeIO().readBinary(bytes);
  } catch (err) {
    throw new ApiError("UPSTREAM_ERROR", "The provider's model is not a valid GLB.", {
      cause: err,
    });
  }
  const meshes: GlbMorphMesh[] = [];
  const all = new Set<string>();
  for (const mesh of doc.getRoot().listMeshes()) {
    // glTF-Transform names each morph target from `extras.targetNames` on read.
    const targets = mesh.listPrimitives()[0]?.listTargets() ?? [];
    if (targets.length === 0) continue;
    const extras = mesh.getExtras() as { targetNames?: unknown };
    const fromExtras = Array.isArray(extras.targetNames) ? extras.targetNames.map(String) : [];
    const names = targets.map((t, i) => t.getName() || fromExtras[i] || `target_${i}`);
    meshes.push({ mesh: mesh.getName(), targetNames: names });
    names.forEach((n) => all.add(n));
  }
  return { meshes, targetNames: [...all] };
}

/**
 * One glTF mesh of the simulated head (glTF-Transform): positions, smooth normals,
 * texture coordinates and one morph target per named shape mix. Morph deltas are
 * stored sparse (only the vertices a shape moves) when that is smaller, which keeps the
 * GLB small.
 */
import type { Buffer as GltfBuffer, Document, Material, Mesh } from "@gltf-transform/core";
import { indicesOf, normalsOf, positionsOf, uvsOf } from "./geometry";
import { shapeDeltas, type ArkitShape } from "./shapes";
import type { PartGeometry, Vec3 } from "./vertex";

/** A morph target: its name in the provider's file and the ARKit shapes it mixes. */
export interface MorphSpec {
  name: string;
  mix: Partial<Record<ArkitShape, number>>;
}

export interface MeshSpec {
  name: string;
  geometry: PartGeometry;
  material: Material;
  targets: MorphSpec[];
  /** Vertices are stored relative to this point (the node sits there). */
  origin?: Vec3;
  /** Skinning: up to four [joint index, weight] pairs per vertex. */
  joints?: [number, number][][];
}

export function addMesh(doc: Document, buffer: GltfBuffer, spec: MeshSpec): Mesh {
  const accessor = (
    type: "VEC2" | "VEC3" | "SCALAR",
    array: Float32Array | Uint16Array | Uint32Array,
  ) => doc.createAccessor().setType(type).setArray(array).setBuffer(buffer);
  const positions = positionsOf(spec.geometry);
  const [ox, oy, oz] = spec.origin ?? [0, 0, 0];
  for (let i = 0; i < positions.length; i += 3) {
    positions[i] -= ox;
    positions[i + 1] -= oy;
    positions[i + 2] -= oz;
  }
  const prim = doc
    .createPrimitive()
    .setAttribute("POSITION", accessor("VEC3", positions))
    .setAttribute("NORMAL", accessor("VEC3", normalsOf(spec.geometry)))
    .setAttribute("TEXCOORD_0", accessor("VEC2", uvsOf(spec.geometry)))
    .setIndices(accessor("SCALAR", indicesOf(spec.geometry)))
    .setMaterial(spec.material);
  if (spec.joints) {
    const indices = new Uint16Array(spec.joints.length * 4);
    const weights = new Float32Array(spec.joints.length * 4);
    spec.joints.forEach((pairs, i) =>
      pairs.forEach(([joint, weight], k) => {
        indices[i * 4 + k] = joint;
        weights[i * 4 + k] = weight;
      }),
    );
    prim.setAttribute(
      "JOINTS_0",
      doc.createAccessor().setType("VEC4").setArray(indices).setBuffer(buffer),
    );
    prim.setAttribute(
      "WEIGHTS_0",
      doc.createAccessor().setType("VEC4").setArray(weights).setBuffer(buffer),
    );
  }
  for (const t of spec.targets) {
    const delta = shapeDeltas(spec.geometry.vertices, t.mix);
    let moved = 0;
    for (let i = 0; i < delta.length; i += 3) if (delta[i] || delta[i + 1] || delta[i + 2]) moved++;
    // Sparse only pays when fewer than half the vertices move (e.g. not the lower teeth).
    const deltas = accessor("VEC3", delta).setSparse(moved < delta.length / 6);
    prim.addTarget(doc.createPrimitiveTarget(t.name).setAttribute("POSITION", deltas));
  }
  const names = spec.targets.map((t) => t.name);
  return doc
    .createMesh(spec.name)
    .addPrimitive(prim)
    .setWeights(names.map(() => 0))
    .setExtras(names.length ? { targetNames: names } : {});
}

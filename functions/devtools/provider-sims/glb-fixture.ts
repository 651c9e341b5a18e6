/**
 * Real GLB files for the provider simulators, built with glTF-Transform: a small
 * head mesh whose morph targets use the provider's naming (e.g. MetaPerson: 51 ARKit
 * shapes + 15 visemes without prefix).
 */
import { Document, NodeIO } from "@gltf-transform/core";
import { ARKIT_51, METAPERSON_VISEMES } from "./face-names";

/** MetaPerson's AvatarHead (photoreal-providers.md §A6): ARKit minus tongueOut, plus `sil PP … ih oh ou`. */
export const METAPERSON_HEAD_TARGETS: string[] = [...ARKIT_51, ...METAPERSON_VISEMES];

/** An octahedron "head" (6 vertices) with one displaced morph target per name. */
export async function buildHeadGlb(
  meshes: { name: string; targetNames: string[] }[],
): Promise<Uint8Array> {
  const doc = new Document();
  const buffer = doc.createBuffer();
  const scene = doc.createScene("Scene");
  const positions = new Float32Array([1, 0, 0, -1, 0, 0, 0, 1, 0, 0, -1, 0, 0, 0, 1, 0, 0, -1]);
  const indices = new Uint16Array([
    0, 2, 4, 2, 1, 4, 1, 3, 4, 3, 0, 4, 2, 0, 5, 1, 2, 5, 3, 1, 5, 0, 3, 5,
  ]);
  for (const spec of meshes) {
    const prim = doc
      .createPrimitive()
      .setAttribute(
        "POSITION",
        doc.createAccessor().setType("VEC3").setArray(positions).setBuffer(buffer),
      )
      .setIndices(doc.createAccessor().setType("SCALAR").setArray(indices).setBuffer(buffer));
    spec.targetNames.forEach((name, i) => {
      const delta = new Float32Array(positions.length);
      delta[(i % 6) * 3 + (i % 3)] = 0.01 * (1 + (i % 5));
      prim.addTarget(
        doc
          .createPrimitiveTarget(name)
          .setAttribute(
            "POSITION",
            doc.createAccessor().setType("VEC3").setArray(delta).setBuffer(buffer),
          ),
      );
    });
    const mesh = doc
      .createMesh(spec.name)
      .addPrimitive(prim)
      .setWeights(spec.targetNames.map(() => 0))
      .setExtras({ targetNames: spec.targetNames });
    scene.addChild(doc.createNode(spec.name).setMesh(mesh));
  }
  return new NodeIO().writeBinary(doc);
}

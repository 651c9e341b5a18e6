/**
 * Head GLBs for tests that need a model with chosen morph-target names: the simulated
 * head (untextured), one mesh per entry, each named target moving the head as that
 * ARKit shape or MetaPerson viseme does (other names move nothing).
 */
import { ARKIT_51, ARKIT_52, METAPERSON_VISEMES } from "./face-names";
import { headGlb } from "./head/head-document";
import { metaPersonLayout } from "./head/layouts";
import type { Mix } from "./head/mixes";

/** MetaPerson's AvatarHead: ARKit minus tongueOut, plus `sil PP … ih oh ou`. */
export const METAPERSON_HEAD_TARGETS: string[] = [...ARKIT_51, ...METAPERSON_VISEMES];

export async function buildHeadGlb(
  meshes: { name: string; targetNames: string[] }[],
): Promise<Uint8Array> {
  const metaPerson = metaPersonLayout({ arkit: true, visemes: true }).meshes[0].targets;
  const mixFor = (name: string): Mix =>
    (ARKIT_52 as readonly string[]).includes(name)
      ? { [name]: 1 }
      : (metaPerson.find((t) => t.name === name)?.mix ?? {});
  return headGlb(
    {
      root: "Scene",
      nodes: [],
      meshes: meshes.map((m) => ({
        name: m.name,
        parts: ["skin"],
        targets: m.targetNames.map((name) => ({ name, mix: mixFor(name) })),
      })),
    },
    null,
  );
}

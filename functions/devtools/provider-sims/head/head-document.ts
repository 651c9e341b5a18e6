/**
 * A glTF document of the simulated head in a provider's layout: which parts go into
 * which named mesh, which morph targets each mesh carries (by the provider's names),
 * the node tree, and the selfie texture shared by every mesh.
 */
import { Document, NodeIO, type Node } from "@gltf-transform/core";
import { mergedParts, type HeadParts } from "./geometry";
import { addMesh, type MorphSpec } from "./gltf-mesh";
import { eyeCentre } from "./lids";
import type { Vec3 } from "./vertex";

export interface HeadTextureFile {
  bytes: Uint8Array;
  mimeType: "image/jpeg" | "image/png";
  /** Its file name when the package keeps textures beside the model. */
  uri: string;
}

export interface MeshLayout {
  /** Mesh and node name. */
  name: string;
  parts: (keyof HeadParts)[];
  targets: MorphSpec[];
  /** The node it hangs under (default: the root), e.g. an eye node for an eyeball. */
  parent?: string;
}

export interface HeadLayout {
  root: string;
  /** Extra nodes (bone-like) placed at a point, children of `parent` or the root. */
  nodes: { name: string; at: Vec3 | "eyeLeft" | "eyeRight"; parent?: string }[];
  meshes: MeshLayout[];
}

const pointOf = (at: Vec3 | "eyeLeft" | "eyeRight"): Vec3 =>
  at === "eyeLeft" ? eyeCentre(1) : at === "eyeRight" ? eyeCentre(-1) : at;

export function headDocument(layout: HeadLayout, texture: HeadTextureFile | null): Document {
  const doc = new Document();
  const buffer = doc.createBuffer();
  const skin = doc.createMaterial("Head").setRoughnessFactor(0.62).setMetallicFactor(0);
  const glossy = doc.createMaterial("Eyes").setRoughnessFactor(0.25).setMetallicFactor(0);
  if (texture) {
    const tex = doc
      .createTexture("HeadColor")
      .setImage(texture.bytes)
      .setMimeType(texture.mimeType)
      .setURI(texture.uri);
    skin.setBaseColorTexture(tex);
    glossy.setBaseColorTexture(tex);
  } else {
    skin.setBaseColorFactor([0.86, 0.68, 0.58, 1]);
    glossy.setBaseColorFactor([0.92, 0.92, 0.9, 1]);
  }
  const root = doc.createNode(layout.root);
  doc.createScene("Scene").addChild(root);
  const nodes = new Map<string, { node: Node; at: Vec3 }>([
    [layout.root, { node: root, at: [0, 0, 0] }],
  ]);
  for (const n of layout.nodes) {
    const parent = nodes.get(n.parent ?? layout.root);
    if (!parent) throw new Error(`no node ${n.parent}`);
    const at = pointOf(n.at);
    const node = doc
      .createNode(n.name)
      .setTranslation([at[0] - parent.at[0], at[1] - parent.at[1], at[2] - parent.at[2]]);
    parent.node.addChild(node);
    nodes.set(n.name, { node, at });
  }
  for (const m of layout.meshes) {
    const parent = nodes.get(m.parent ?? layout.root);
    if (!parent) throw new Error(`no node ${m.parent}`);
    const eyes = m.parts.every((p) => p === "eyeLeft" || p === "eyeRight");
    const mesh = addMesh(doc, buffer, {
      name: m.name,
      geometry: mergedParts(m.parts),
      material: eyes ? glossy : skin,
      targets: m.targets,
      origin: parent.at,
    });
    parent.node.addChild(doc.createNode(m.name).setMesh(mesh));
  }
  return doc;
}

export function headGlb(layout: HeadLayout, texture: HeadTextureFile | null): Promise<Uint8Array> {
  return new NodeIO().writeBinary(headDocument(layout, texture));
}

/**
 * Didimo's glTF package of the simulated head, laid out as Didimo's are: `avatar.gltf`
 * with one `.bin` per mesh (`ddmo_head`, `ddmo_eyeLeft`, `ddmo_eyeRight`, `ddmo_mouth`)
 * and `animations.bin`, a PNG texture, `avatar_info.json` (pose name → frame indices)
 * and `metadata.json`. The face is skinned to the rig of didimo-rig.ts and carries no
 * morph targets: every pose is a pair of animation frames of the rig, the rest pose on
 * the first and the full pose on the second, as Didimo's Unity SDK reads them (its
 * importer takes each pose clip's first keyframe as the rest pose and plays a pose by
 * moving through its clip from there). No eyelash mesh.
 */
import { Document, NodeIO, type Buffer as GltfBuffer, type Node } from "@gltf-transform/core";
import { ARKIT_51, DIDIMO_VISEMES } from "../face-names";
import { fitPose, rigJoints, skinWeights, type JointPose } from "./didimo-rig";
import { mergedParts, type HeadParts } from "./geometry";
import { addMesh } from "./gltf-mesh";
import type { HeadTextureFile } from "./head-document";
import { SIMPLE_POSE_MIXES, VISEME_MIXES, type Mix } from "./mixes";

const FPS = 30;
export const MESHES: [string, (keyof HeadParts)[]][] = [
  ["ddmo_head", ["skin"]],
  ["ddmo_eyeLeft", ["eyeLeft"]],
  ["ddmo_eyeRight", ["eyeRight"]],
  ["ddmo_mouth", ["teethUpper", "teethLower", "tongue"]],
];

/** The poses of the requested pose sets, in frame order (two frames each). */
export function didimoPoses(features: readonly string[]): [string, Mix][] {
  const poses: [string, Mix][] = [];
  if (features.includes("arkit")) for (const n of ARKIT_51) poses.push([`ARKit.${n}`, { [n]: 1 }]);
  if (features.includes("oculus_lipsync"))
    for (const v of DIDIMO_VISEMES) poses.push([`oculus.${v}`, VISEME_MIXES[v]]);
  if (features.includes("simple_poses"))
    for (const [n, mix] of Object.entries(SIMPLE_POSE_MIXES)) poses.push([`simple.${n}`, mix]);
  return poses;
}

/** avatar_info.json as Didimo's samples show it: pose name → frame indices. */
export function didimoAvatarInfo(features: readonly string[]): Record<string, unknown> {
  const poses: Record<string, number[]> = {};
  didimoPoses(features).forEach(([name], i) => (poses[name] = [2 * i, 2 * i + 1]));
  return { version: "2.5", poses };
}

function addPoseAnimation(doc: Document, buffer: GltfBuffer, nodes: Node[], frames: JointPose[][]) {
  const joints = rigJoints();
  const times = new Float32Array(frames.length * 2).map((_, f) => f / FPS);
  const input = doc.createAccessor().setType("SCALAR").setArray(times).setBuffer(buffer);
  const animation = doc.createAnimation("poses");
  joints.forEach((j, i) => {
    const parent = joints.find((p) => p.name === j.parent);
    const rest = parent ? j.at.map((c, k) => c - parent.at[k]) : j.at;
    const translations = new Float32Array(times.length * 3);
    const rotations = new Float32Array(times.length * 4);
    frames.forEach((pose, f) => {
      // First frame: the rest pose; second: the pose.
      translations.set(rest, 2 * f * 3);
      rotations.set([0, 0, 0, 1], 2 * f * 4);
      translations.set(
        pose[i].translation.map((c, k) => c + rest[k]),
        (2 * f + 1) * 3,
      );
      rotations.set(pose[i].rotation, (2 * f + 1) * 4);
    });
    for (const [path, type, array] of [
      ["translation", "VEC3", translations],
      ["rotation", "VEC4", rotations],
    ] as const) {
      const sampler = doc
        .createAnimationSampler()
        .setInput(input)
        .setOutput(doc.createAccessor().setType(type).setArray(array).setBuffer(buffer))
        .setInterpolation("LINEAR");
      animation
        .addSampler(sampler)
        .addChannel(
          doc
            .createAnimationChannel()
            .setTargetNode(nodes[i])
            .setTargetPath(path)
            .setSampler(sampler),
        );
    }
  });
}

/** The package's files by name; `bufferUri` renames the head's buffer (tests of hostile packages). */
export async function didimoPackage(
  texture: HeadTextureFile,
  features: readonly string[],
  bufferUri?: string,
): Promise<Record<string, Uint8Array>> {
  const doc = new Document();
  const buffers = new Map(
    [...MESHES.map(([name]) => name), "animations"].map((n) => [
      n,
      doc.createBuffer(n).setURI(`${n}.bin`),
    ]),
  );
  const joints = rigJoints();
  const nodes = joints.map((j) => doc.createNode(j.name));
  joints.forEach((j, i) => {
    const parent = joints.findIndex((p) => p.name === j.parent);
    const origin = parent >= 0 ? joints[parent].at : [0, 0, 0];
    nodes[i].setTranslation([j.at[0] - origin[0], j.at[1] - origin[1], j.at[2] - origin[2]]);
    if (parent >= 0) nodes[parent].addChild(nodes[i]);
  });
  const headBuffer = buffers.get("ddmo_head") as GltfBuffer;
  const inverseBind = new Float32Array(joints.length * 16);
  joints.forEach((j, i) =>
    inverseBind.set([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, -j.at[0], -j.at[1], -j.at[2], 1], i * 16),
  );
  const skin = doc
    .createSkin("ddmo_skin")
    .setSkeleton(nodes[0])
    .setInverseBindMatrices(
      doc.createAccessor().setType("MAT4").setArray(inverseBind).setBuffer(headBuffer),
    );
  nodes.forEach((n) => skin.addJoint(n));
  const material = doc
    .createMaterial("ddmo_head")
    .setRoughnessFactor(0.62)
    .setMetallicFactor(0)
    .setBaseColorTexture(
      doc
        .createTexture("ddmo_head_baseColor")
        .setImage(texture.bytes)
        .setMimeType(texture.mimeType)
        .setURI(texture.uri),
    );
  const scene = doc.createScene("Scene").addChild(nodes[0]);
  for (const [name, parts] of MESHES) {
    const geometry = mergedParts(parts);
    const mesh = addMesh(doc, buffers.get(name) as GltfBuffer, {
      name,
      geometry,
      material,
      targets: [],
      joints: skinWeights(geometry.vertices),
    });
    scene.addChild(doc.createNode(name).setMesh(mesh).setSkin(skin));
  }
  const head = mergedParts(["skin"]);
  const weights = skinWeights(head.vertices);
  const frames = didimoPoses(features).map(([, mix]) => fitPose(head.vertices, weights, mix));
  if (frames.length) addPoseAnimation(doc, buffers.get("animations") as GltfBuffer, nodes, frames);
  const { json, resources } = await new NodeIO().writeJSON(doc);
  if (bufferUri && json.buffers?.[0]) json.buffers[0].uri = bufferUri;
  const text = (o: unknown) => new TextEncoder().encode(JSON.stringify(o));
  return {
    "avatar.gltf": text(json),
    ...resources,
    "avatar_info.json": text(didimoAvatarInfo(features)),
    "metadata.json": text({ generator: "Masky Didimo simulator", meshes: MESHES.map(([n]) => n) }),
  };
}

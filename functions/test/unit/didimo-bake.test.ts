/**
 * Baking Didimo's skeletal poses into morph targets (src/clients/providers/didimo-bake.ts):
 * - on the simulator's package, every pose's baked delta on every mesh equals what the
 *   simulator's rig does to those vertices (computed on the rig itself, chained
 *   quaternions, not from the glTF file: provider-sims/head/didimo-pose.ts), and the rig
 *   is gone from the result;
 * - on small hand-made rigs, what the simulator does not exercise: a parent joint's turn
 *   carrying its child, a pose measured from its own first frame, a mesh node with its
 *   own transform, weights that do not sum to one, frames outside the animation.
 */
import { expect } from "chai";
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Document, NodeIO, type Mesh, type Node } from "@gltf-transform/core";
import { ARKIT_51, DIDIMO_VISEMES } from "../../devtools/provider-sims/face-names";
import { didimoPackage } from "../../devtools/provider-sims/head/didimo-package";
import { didimoPosedMeshes } from "../../devtools/provider-sims/head/didimo-pose";
import { selfieTexture } from "../../devtools/provider-sims/head/selfie-head";
import { portraitJpeg } from "../../devtools/provider-sims/head/portrait";
import { bakePoses, PoseBakeError } from "../../src/clients/providers/didimo-bake";
import { posesOf, posesToBake } from "../../src/clients/providers/didimo";
import { MAX_MODEL_BYTES } from "../../src/clients/providers/size-limit";
import { ProviderError } from "../../src/clients/providers/types";

const FEATURES = ["arkit", "oculus_lipsync"];

const meshNamed = (doc: Document, name: string) =>
  doc
    .getRoot()
    .listMeshes()
    .find((m) => m.getName() === name) as Mesh;

/** A mesh's first primitive: rest positions and the delta of one target. */
function target(mesh: Mesh, name: string) {
  const prim = mesh.listPrimitives()[0];
  const t = prim.listTargets().find((x) => x.getName() === name);
  if (!t) throw new Error(`${mesh.getName()} has no target ${name}`);
  return {
    rest: prim.getAttribute("POSITION")?.getArray() as Float32Array,
    delta: t.getAttribute("POSITION")?.getArray() as Float32Array,
  };
}

describe("Didimo's poses baked into morph targets, checked against the simulator's rig", function () {
  this.timeout(60000);
  let doc: Document;
  let baked: string[];
  let info: unknown;

  before(async () => {
    const png = await selfieTexture(await portraitJpeg(), "png", "ddmo_head_baseColor.png");
    const files = await didimoPackage(png, FEATURES);
    const dir = mkdtempSync(path.join(os.tmpdir(), "ddmo-bake-"));
    for (const [name, data] of Object.entries(files)) writeFileSync(path.join(dir, name), data);
    info = JSON.parse(Buffer.from(files["avatar_info.json"]).toString());
    doc = await new NodeIO().read(path.join(dir, "avatar.gltf"));
    baked = bakePoses(doc, posesToBake(posesOf(info)), MAX_MODEL_BYTES);
  });

  it("names one target per pose with its ARKit name or viseme code, on every mesh", () => {
    const names = [...ARKIT_51, ...DIDIMO_VISEMES];
    expect(baked).to.deep.equal(names);
    for (const mesh of doc.getRoot().listMeshes()) {
      const prim = mesh.listPrimitives()[0];
      expect(prim.listTargets().map((t) => t.getName())).to.deep.equal(names);
      expect(mesh.getWeights()).to.have.length(names.length);
    }
  });

  it("every pose's delta on every mesh is where the simulator's rig puts the vertices (within 0.01 mm)", () => {
    const poses = posesOf(info);
    let largest = 0;
    for (const { name } of poses) {
      const expected = didimoPosedMeshes(FEATURES, name);
      const morph = posesToBake([{ name, frames: [0] }])[0].morphName;
      for (const [meshName, { rest, posed }] of Object.entries(expected)) {
        const got = target(meshNamed(doc, meshName), morph);
        let worst = 0;
        let restWorst = 0;
        posed.forEach((p, v) => {
          for (let k = 0; k < 3; k++) {
            const want = p[k] - rest[v][k];
            worst = Math.max(worst, Math.abs(got.delta[v * 3 + k] - want));
            largest = Math.max(largest, Math.abs(want));
            restWorst = Math.max(restWorst, Math.abs(got.rest[v * 3 + k] - rest[v][k]));
          }
        });
        expect(worst, `${name} on ${meshName}`).to.be.lessThan(1e-5);
        expect(restWorst, `${meshName} stays where it rests`).to.be.lessThan(1e-6);
      }
    }
    expect(largest).to.be.greaterThan(0.01); // the poses move the face (jawOpen: cm)
  });

  it("moves what the pose names: eyeBlinkLeft the left lid only, jawOpen the chin down", () => {
    const head = meshNamed(doc, "ddmo_head");
    const moved = (name: string, side: 1 | -1) => {
      const { rest, delta } = target(head, name);
      let most = 0;
      for (let v = 0; v < rest.length; v += 3)
        if (side * rest[v] > 0.02)
          most = Math.max(most, Math.hypot(delta[v], delta[v + 1], delta[v + 2]));
      return most;
    };
    expect(moved("eyeBlinkLeft", 1)).to.be.greaterThan(0.004);
    expect(moved("eyeBlinkLeft", -1)).to.equal(0);
    const jaw = target(head, "jawOpen");
    let chin = 0;
    for (let v = 0; v < jaw.rest.length; v += 3)
      if (Math.abs(jaw.rest[v]) < 0.01 && jaw.rest[v + 1] < -0.09 && jaw.rest[v + 2] > 0.05)
        chin = Math.min(chin, jaw.delta[v + 1]);
    expect(chin).to.be.lessThan(-0.01);
  });

  it("drops the rig: no skins, animations, joint attributes or joint nodes; the GLB stays small", async () => {
    const root = doc.getRoot();
    expect(root.listSkins()).to.deep.equal([]);
    expect(root.listAnimations()).to.deep.equal([]);
    for (const mesh of root.listMeshes())
      expect(mesh.listPrimitives()[0].listSemantics()).to.deep.equal([
        "POSITION",
        "NORMAL",
        "TEXCOORD_0",
      ]);
    expect(root.listNodes().map((n) => n.getName())).to.deep.equal([
      "ddmo_head",
      "ddmo_eyeLeft",
      "ddmo_eyeRight",
      "ddmo_mouth",
    ]);
    const [buffer, ...others] = root.listBuffers();
    for (const a of root.listAccessors()) a.setBuffer(buffer);
    others.forEach((b) => b.dispose());
    const glb = await new NodeIO().writeBinary(doc);
    expect(glb.length).to.be.lessThan(2 * 1024 * 1024);
  });
});

/** A tiny skinned rig: joints J0 (root, at the origin) → J1 (at y = 1), one mesh. */
function tinyRig(opts: { meshNode?: [number, number, number]; weights?: number[] } = {}) {
  const doc = new Document();
  const buffer = doc.createBuffer();
  const j0 = doc.createNode("J0");
  const j1 = doc.createNode("J1").setTranslation([0, 1, 0]);
  j0.addChild(j1);
  // Vertex 0 at y = 2 follows J1; vertex 1 at x = 1 follows J0 (with opts.weights: both).
  const positions = new Float32Array([0, 2, 0, 1, 0, 0]);
  const joints = new Uint16Array([1, 0, 0, 0, 0, 1, 0, 0]);
  const weights = new Float32Array(opts.weights ?? [1, 0, 0, 0, 1, 0, 0, 0]);
  const acc = (type: "VEC3" | "VEC4" | "MAT4" | "SCALAR", a: Float32Array | Uint16Array) =>
    doc.createAccessor().setType(type).setArray(a).setBuffer(buffer);
  const ibm = new Float32Array([
    1,
    0,
    0,
    0,
    0,
    1,
    0,
    0,
    0,
    0,
    1,
    0,
    0,
    0,
    0,
    1,
    ...[1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, -1, 0, 1],
  ]);
  const skin = doc.createSkin().addJoint(j0).addJoint(j1).setInverseBindMatrices(acc("MAT4", ibm));
  const prim = doc
    .createPrimitive()
    .setAttribute("POSITION", acc("VEC3", positions))
    .setAttribute("JOINTS_0", acc("VEC4", joints))
    .setAttribute("WEIGHTS_0", acc("VEC4", weights));
  const meshNode = doc
    .createNode("mesh")
    .setMesh(doc.createMesh("m").addPrimitive(prim))
    .setSkin(skin)
    .setTranslation(opts.meshNode ?? [0, 0, 0]);
  doc.createScene().addChild(j0).addChild(meshNode);
  const s = Math.SQRT1_2;
  // Frames: 0 rest, 1 J0 turned 90° about Z, 2 rest, 3 J1 moved +1 x, 4 J1 moved +1 x, 5 J1 moved +3 x.
  const times = acc("SCALAR", new Float32Array([0, 1, 2, 3, 4, 5].map((f) => f / 30)));
  const channel = (
    node: Node,
    p: "rotation" | "translation",
    type: "VEC3" | "VEC4",
    values: number[],
  ) => {
    const sampler = doc
      .createAnimationSampler()
      .setInput(times)
      .setOutput(acc(type, new Float32Array(values)));
    return [
      sampler,
      doc.createAnimationChannel().setTargetNode(node).setTargetPath(p).setSampler(sampler),
    ] as const;
  };
  const animation = doc.createAnimation("poses");
  for (const [sampler, ch] of [
    channel(j0, "rotation", "VEC4", [
      0,
      0,
      0,
      1,
      0,
      0,
      s,
      s,
      0,
      0,
      0,
      1,
      0,
      0,
      0,
      1,
      0,
      0,
      0,
      1,
      0,
      0,
      0,
      1,
    ]),
    channel(j1, "translation", "VEC3", [0, 1, 0, 0, 1, 0, 0, 1, 0, 1, 1, 0, 1, 1, 0, 3, 1, 0]),
  ])
    animation.addSampler(sampler).addChannel(ch);
  return { doc, prim };
}

const deltaOf = (doc: Document, name: string) =>
  Array.from(
    doc
      .getRoot()
      .listMeshes()[0]
      .listPrimitives()[0]
      .listTargets()
      .find((t) => t.getName() === name)
      ?.getAttribute("POSITION")
      ?.getArray() ?? [],
    (c: number) => Math.round(c * 1e5) / 1e5,
  );

describe("bakePoses on hand-made rigs", () => {
  it("a parent joint's turn carries its child's vertices (through the hierarchy)", () => {
    const { doc } = tinyRig();
    bakePoses(doc, [{ morphName: "turn", frames: [0, 1] }], MAX_MODEL_BYTES);
    // (0, 2, 0) turned 90° about Z → (−2, 0, 0); (1, 0, 0) → (0, 1, 0).
    expect(deltaOf(doc, "turn")).to.deep.equal([-2, -2, 0, -1, 1, 0]);
  });

  it("measures a pose from its first frame to its last", () => {
    const { doc } = tinyRig();
    bakePoses(
      doc,
      [
        { morphName: "fromRest", frames: [2, 3] },
        { morphName: "fromMoved", frames: [4, 5] },
        { morphName: "alone", frames: [5] },
      ],
      MAX_MODEL_BYTES,
    );
    expect(deltaOf(doc, "fromRest")).to.deep.equal([1, 0, 0, 0, 0, 0]);
    expect(deltaOf(doc, "fromMoved")).to.deep.equal([2, 0, 0, 0, 0, 0]);
    expect(deltaOf(doc, "alone")).to.deep.equal([3, 0, 0, 0, 0, 0]); // one frame: from the nodes' rest
  });

  it("keeps the mesh where the skin put it when its node has a transform of its own", () => {
    const { doc, prim } = tinyRig({ meshNode: [5, 0, 0] });
    bakePoses(doc, [{ morphName: "turn", frames: [0, 1] }], MAX_MODEL_BYTES);
    // Skinned, the node's transform is ignored; static, it applies: the positions compensate.
    expect(Array.from(prim.getAttribute("POSITION")?.getArray() ?? [])).to.deep.equal([
      -5, 2, 0, -4, 0, 0,
    ]);
    expect(deltaOf(doc, "turn")).to.deep.equal([-2, -2, 0, -1, 1, 0]);
  });

  it("normalises weights that do not sum to one, as viewers do", () => {
    const { doc } = tinyRig({ weights: [1, 0, 0, 0, 1, 1, 0, 0] });
    bakePoses(doc, [{ morphName: "move", frames: [2, 3] }], MAX_MODEL_BYTES);
    // Vertex 1 follows J0 and J1 half each: half of J1's +1 x.
    expect(deltaOf(doc, "move")).to.deep.equal([1, 0, 0, 0.5, 0, 0]);
  });

  it("drops the joints and the animation, and refuses frames outside it or a face too large", () => {
    const { doc } = tinyRig();
    expect(() =>
      bakePoses(tinyRig().doc, [{ morphName: "x", frames: [0, 6] }], MAX_MODEL_BYTES),
    ).to.throw(PoseBakeError, /frame 6 of an animation with 6 frames/);
    expect(() => bakePoses(tinyRig().doc, [{ morphName: "x", frames: [0, 1] }], 10))
      .to.throw(ProviderError)
      .with.property("kind", "too_large");
    bakePoses(doc, [{ morphName: "turn", frames: [0, 1] }], MAX_MODEL_BYTES);
    expect(
      doc
        .getRoot()
        .listNodes()
        .map((n) => n.getName()),
    ).to.deep.equal(["mesh"]);
    expect(doc.getRoot().listAnimations()).to.deep.equal([]);
    expect(doc.getRoot().listAccessors()).to.have.length(2); // positions and the one target
  });
});

/**
 * The provider simulators' head, checked per provider on the files they serve: mesh and
 * morph-target names and counts in the provider's layout, vertex count, normals, the
 * selfie texture, the size limit; that the shapes move what their names say; and the
 * texture rule (the face found in the selfie, else the centre crop).
 */
import { expect } from "chai";
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { NodeIO, type Document, type Mesh } from "@gltf-transform/core";
import {
  ARKIT_51,
  ARKIT_52,
  DIDIMO_VISEMES,
  METAPERSON_VISEMES,
} from "../../devtools/provider-sims/face-names";
import { didimoPackage } from "../../devtools/provider-sims/head/didimo-package";
import { EYE_LINE } from "../../devtools/provider-sims/head/face-box";
import { encodeImage } from "../../devtools/provider-sims/head/image-io";
import { in3dName } from "../../devtools/provider-sims/head/layouts";
import { MOUTH } from "../../devtools/provider-sims/head/layout";
import { PORTRAIT_FACE, portraitJpeg } from "../../devtools/provider-sims/head/portrait";
import {
  in3dGlb,
  metaPersonGlb,
  selfieTexture,
  type SelfieTexture,
} from "../../devtools/provider-sims/head/selfie-head";

const MAX_GLB = 2 * 1024 * 1024;
let texture: SelfieTexture;
let metaPerson: { bytes: Uint8Array; doc: Document };

const read = async (bytes: Uint8Array) => ({ bytes, doc: await new NodeIO().readBinary(bytes) });
const meshNamed = (doc: Document, name: string) =>
  doc
    .getRoot()
    .listMeshes()
    .find((m) => m.getName() === name) as Mesh;
const targetNames = (m: Mesh) =>
  m
    .listPrimitives()[0]
    .listTargets()
    .map((t) => t.getName());
const vertexCount = (doc: Document) =>
  doc
    .getRoot()
    .listMeshes()
    .reduce((n, m) => n + (m.listPrimitives()[0].getAttribute("POSITION")?.getCount() ?? 0), 0);

/** A head mesh's rest positions and the delta of one named target, as [x, y, z] per vertex. */
function shape(m: Mesh, name: string) {
  const prim = m.listPrimitives()[0];
  const rest = prim.getAttribute("POSITION")?.getArray() as Float32Array;
  const target = prim.listTargets().find((t) => t.getName() === name);
  if (!target) throw new Error(`no target ${name}`);
  const delta = target.getAttribute("POSITION")?.getArray() as Float32Array;
  return Array.from({ length: rest.length / 3 }, (_, i) => ({
    p: [rest[i * 3], rest[i * 3 + 1], rest[i * 3 + 2]],
    d: [delta[i * 3], delta[i * 3 + 1], delta[i * 3 + 2]],
  }));
}
const moved = (d: number[]) => Math.hypot(d[0], d[1], d[2]);

describe("the simulated head's GLB per provider", function () {
  this.timeout(60000);

  before(async () => {
    texture = await selfieTexture(await portraitJpeg(), "jpeg", "textures/AvatarHead_Color.jpg");
    metaPerson = await read(await metaPersonGlb(texture, { arkit: true, visemes: true }));
  });

  it("MetaPerson: AvatarHead has the 51 ARKit shapes and 15 visemes, AvatarTeethLower the jaw and visemes; ≥ 2,000 vertices; a JPEG texture; < 2 MB", () => {
    const { bytes, doc } = metaPerson;
    expect(
      doc
        .getRoot()
        .listMeshes()
        .map((m) => m.getName()),
    ).to.deep.equal([
      "AvatarHead",
      "AvatarTeethLower",
      "AvatarTeethUpper",
      "AvatarLeftEyeball",
      "AvatarRightEyeball",
    ]);
    expect(targetNames(meshNamed(doc, "AvatarHead"))).to.deep.equal([
      ...ARKIT_51,
      ...METAPERSON_VISEMES,
    ]);
    expect(targetNames(meshNamed(doc, "AvatarTeethLower"))).to.deep.equal([
      "jawForward",
      "jawLeft",
      "jawOpen",
      "jawRight",
      ...METAPERSON_VISEMES,
    ]);
    const head = meshNamed(doc, "AvatarHead").listPrimitives()[0];
    expect(head.getAttribute("POSITION")?.getCount()).to.be.greaterThan(2000);
    expect(vertexCount(doc)).to.be.greaterThan(2000);
    const normals = head.getAttribute("NORMAL")?.getArray() as Float32Array;
    for (let i = 0; i < normals.length; i += 3)
      expect(Math.hypot(normals[i], normals[i + 1], normals[i + 2])).to.be.closeTo(1, 1e-3);
    const [tex] = doc.getRoot().listTextures();
    expect(tex.getMimeType()).to.equal("image/jpeg");
    expect(Buffer.from(tex.getImage() as Uint8Array).subarray(0, 3)).to.deep.equal(
      Buffer.from([0xff, 0xd8, 0xff]),
    );
    expect(head.getMaterial()?.getBaseColorTexture()).to.equal(tex);
    expect(bytes.length).to.be.lessThan(MAX_GLB);
  });

  it("MetaPerson: only the blendshape sets the export asked for", async () => {
    const arkitOnly = (await read(await metaPersonGlb(texture, { arkit: true, visemes: false })))
      .doc;
    expect(targetNames(meshNamed(arkitOnly, "AvatarHead"))).to.deep.equal([...ARKIT_51]);
    const visemesOnly = (await read(await metaPersonGlb(texture, { arkit: false, visemes: true })))
      .doc;
    expect(targetNames(meshNamed(visemesOnly, "AvatarHead"))).to.deep.equal([
      ...METAPERSON_VISEMES,
    ]);
  });

  it("in3D: Head_Mesh has all 52 ARKit shapes in Facecap style, Teeth_Mesh the jaw and tongue, Eye_Mesh the gaze; < 2 MB", async () => {
    const { bytes, doc } = await read(await in3dGlb(texture));
    expect(targetNames(meshNamed(doc, "Head_Mesh"))).to.deep.equal(ARKIT_52.map(in3dName));
    expect(targetNames(meshNamed(doc, "Head_Mesh"))).to.include.members([
      "EyeBlink_L",
      "JawOpen",
      "TongueOut",
    ]);
    expect(targetNames(meshNamed(doc, "Teeth_Mesh"))).to.deep.equal(
      ["jawForward", "jawLeft", "jawOpen", "jawRight", "tongueOut"].map(in3dName),
    );
    expect(targetNames(meshNamed(doc, "Eye_Mesh"))).to.have.length(8);
    expect(vertexCount(doc)).to.be.greaterThan(2000);
    expect(doc.getRoot().listTextures()).to.have.length(1);
    expect(bytes.length).to.be.lessThan(MAX_GLB);
  });

  it("Didimo: a glTF package with one .bin per mesh, no morph targets, the poses as two animation frames each", async () => {
    const png = await selfieTexture(await portraitJpeg(), "png", "ddmo_head_baseColor.png");
    const files = await didimoPackage(png, ["arkit", "oculus_lipsync"]);
    expect(Object.keys(files).sort()).to.deep.equal(
      [
        "animations.bin",
        "avatar.gltf",
        "avatar_info.json",
        "ddmo_eyeLeft.bin",
        "ddmo_eyeRight.bin",
        "ddmo_head.bin",
        "ddmo_head_baseColor.png",
        "ddmo_mouth.bin",
        "metadata.json",
      ].sort(),
    );
    const info = JSON.parse(Buffer.from(files["avatar_info.json"]).toString()) as {
      poses: Record<string, number[]>;
    };
    const poses = [
      ...ARKIT_51.map((n) => `ARKit.${n}`),
      ...DIDIMO_VISEMES.map((v) => `oculus.${v}`),
    ];
    expect(Object.keys(info.poses)).to.deep.equal(poses);
    expect(info.poses["ARKit.eyeBlinkLeft"]).to.deep.equal([0, 1]);
    const dir = mkdtempSync(path.join(os.tmpdir(), "ddmo-"));
    for (const [name, data] of Object.entries(files)) writeFileSync(path.join(dir, name), data);
    const doc = await new NodeIO().read(path.join(dir, "avatar.gltf"));
    expect(
      doc
        .getRoot()
        .listMeshes()
        .map((m) => m.getName()),
    ).to.deep.equal(["ddmo_head", "ddmo_eyeLeft", "ddmo_eyeRight", "ddmo_mouth"]);
    expect(
      doc
        .getRoot()
        .listMeshes()
        .every((m) => m.listPrimitives()[0].listTargets().length === 0),
    ).to.equal(true);
    expect(
      doc
        .getRoot()
        .listMeshes()
        .every((m) => m.listPrimitives()[0].getAttribute("JOINTS_0")),
    ).to.equal(true);
    const [animation] = doc.getRoot().listAnimations();
    expect(animation.listSamplers()[0].getInput()?.getCount()).to.equal(2 * poses.length);
    expect(vertexCount(doc)).to.be.greaterThan(2000);
  });
});

describe("the simulated head's shapes move what their names say", function () {
  this.timeout(60000);
  before(async () => {
    metaPerson ??= await read(
      await metaPersonGlb(await selfieTexture(await portraitJpeg(), "jpeg", "t.jpg"), {
        arkit: true,
        visemes: true,
      }),
    );
  });
  const head = () => meshNamed(metaPerson.doc, "AvatarHead");

  it("every ARKit shape and viseme moves part of the face by at least 2 mm, never the back of the head; sil moves nothing", () => {
    for (const name of [...ARKIT_51, ...METAPERSON_VISEMES.filter((v) => v !== "sil")]) {
      const s = shape(head(), name);
      expect(Math.max(...s.map((v) => moved(v.d))), name).to.be.greaterThan(0.002);
      expect(Math.max(...s.filter((v) => v.p[2] < -0.03).map((v) => moved(v.d))), name).to.equal(0);
    }
    expect(Math.max(...shape(head(), "sil").map((v) => moved(v.d)))).to.equal(0);
  });

  it("jawOpen drops the chin and the lower lip, opens the mouth, and leaves the upper face", () => {
    const s = shape(head(), "jawOpen");
    const chin = s
      .filter((v) => Math.abs(v.p[0]) < 0.01 && v.p[2] > 0.05)
      .sort((a, b) => a.p[1] - b.p[1])[0];
    expect(chin.d[1]).to.be.lessThan(-0.01);
    const rims = s.filter(
      (v) => Math.abs(v.p[0]) < 0.005 && Math.abs(v.p[1] - MOUTH.y) < 1e-6 && v.p[2] > 0.07,
    );
    const gap = Math.max(...rims.map((v) => v.d[1])) - Math.min(...rims.map((v) => v.d[1]));
    expect(gap, "the lips part").to.be.greaterThan(0.015);
    expect(Math.max(...s.filter((v) => v.p[1] > 0.02).map((v) => moved(v.d)))).to.equal(0);
  });

  it("eyeBlinkLeft closes the left (+X) upper lid and leaves the right eye", () => {
    const s = shape(head(), "eyeBlinkLeft");
    expect(Math.min(...s.filter((v) => v.p[0] > 0).map((v) => v.d[1]))).to.be.lessThan(-0.006);
    expect(Math.max(...s.filter((v) => v.p[0] < -0.005).map((v) => moved(v.d)))).to.equal(0);
    const right = shape(head(), "eyeBlinkRight");
    expect(Math.min(...right.filter((v) => v.p[0] < 0).map((v) => v.d[1]))).to.be.lessThan(-0.006);
  });

  it("smiles raise their own corner, pucker and funnel push the lips forward, the rolls tuck them in, brows and cheeks move", () => {
    const near =
      (x: number, y: number, r = 0.006) =>
      (v: { p: number[] }) =>
        Math.hypot(v.p[0] - x, v.p[1] - y) < r && v.p[2] > 0.05;
    const max = (name: string, k: number, where: (v: { p: number[] }) => boolean) =>
      Math.max(
        ...shape(head(), name)
          .filter(where)
          .map((v) => v.d[k]),
      );
    const min = (name: string, k: number, where: (v: { p: number[] }) => boolean) =>
      Math.min(
        ...shape(head(), name)
          .filter(where)
          .map((v) => v.d[k]),
      );
    expect(max("mouthSmileLeft", 1, near(MOUTH.halfWidth, MOUTH.y))).to.be.greaterThan(0.005);
    expect(max("mouthSmileLeft", 1, near(-MOUTH.halfWidth, MOUTH.y))).to.be.lessThan(0.0005);
    expect(max("mouthPucker", 2, near(0, MOUTH.y))).to.be.greaterThan(0.008);
    expect(max("mouthFunnel", 2, near(0, MOUTH.y))).to.be.greaterThan(0.005);
    expect(min("mouthRollLower", 2, near(0, MOUTH.y - 0.004))).to.be.lessThan(-0.004);
    expect(max("browInnerUp", 1, near(0.014, 0.024))).to.be.greaterThan(0.005);
    expect(max("cheekPuff", 0, near(0.043, -0.055, 0.01))).to.be.greaterThan(0.006);
    expect(min("mouthFrownLeft", 1, near(MOUTH.halfWidth, MOUTH.y))).to.be.lessThan(-0.005);
  });

  it("mouthClose brings the lips back together over an open jaw; aa is 0.6 × jawOpen", () => {
    const open = shape(head(), "jawOpen");
    const close = shape(head(), "mouthClose");
    const rims = open
      .map((v, i) => ({ ...v, c: close[i].d }))
      .filter(
        (v) => Math.abs(v.p[0]) < 0.005 && Math.abs(v.p[1] - MOUTH.y) < 1e-6 && v.p[2] > 0.07,
      );
    const gap = (withClose: number) => {
      const ys = rims.map((v) => v.d[1] + withClose * v.c[1]);
      return Math.max(...ys) - Math.min(...ys);
    };
    expect(gap(0)).to.be.greaterThan(0.015);
    expect(gap(1)).to.be.lessThan(gap(0) * 0.1);
    const aa = shape(head(), "aa");
    aa.forEach((v, i) => expect(v.d[1]).to.be.closeTo(0.6 * open[i].d[1], 1e-4));
  });
});

describe("the simulated head's texture rule", function () {
  this.timeout(30000);

  it("finds the painted face by its skin, with its eye line where the head's eyes are", async () => {
    const { face } = await selfieTexture(await portraitJpeg(), "jpeg", "t.jpg");
    expect(face.rule).to.equal("skin");
    expect(face.width).to.be.closeTo(PORTRAIT_FACE.width, 0.05 * PORTRAIT_FACE.width);
    expect(face.left).to.be.closeTo(PORTRAIT_FACE.left, 0.05 * PORTRAIT_FACE.width);
    const eyeLine = PORTRAIT_FACE.top + EYE_LINE * PORTRAIT_FACE.height;
    expect(face.top + EYE_LINE * face.height).to.be.closeTo(eyeLine, 0.03 * PORTRAIT_FACE.height);
  });

  it("without skin in the picture, takes the centre crop; another picture gives another texture", async () => {
    const blue = await encodeImage(
      {
        width: 320,
        height: 240,
        data: new Uint8Array(320 * 240 * 3).map((_, i) => [40, 90, 200][i % 3]),
      },
      "png",
    );
    const plain = await selfieTexture(blue, "jpeg", "t.jpg");
    expect(plain.face.rule).to.equal("centre");
    expect(plain.face.left + plain.face.width / 2).to.be.closeTo(160, 1);
    const painted = await selfieTexture(await portraitJpeg(), "jpeg", "t.jpg");
    expect(Buffer.from(plain.bytes).equals(Buffer.from(painted.bytes))).to.equal(false);
  });

  it("refuses a picture that cannot be decoded", async () => {
    const broken = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(64, 7)]);
    const err = await selfieTexture(broken, "jpeg", "t.jpg").catch((e: unknown) => e);
    expect(err).to.be.instanceOf(Error);
  });
});

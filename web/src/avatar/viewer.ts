/**
 * The 3D viewer (this module and three.js load only on the 3D avatar page): the GLB
 * from its signed URL with GLTFLoader, orbit controls (mouse, touch and arrow keys),
 * and a face that lives: blinks (every 1–8 s, sometimes twice), idle eye saccades and
 * head sway, and lip-sync to a voice through the asset's normalised viseme map
 * (`visemes[group].morphs`, or its own viseme morphs when it has all of them).
 *
 * `window.__maskyViewer` exposes read-only state for the browser tests: the current
 * influence of every named morph target, whether a voice is playing, frames drawn; and
 * for tests that look at pixels, where a model point is on the canvas and a hold that
 * keeps the face as it is while frames are still drawn.
 */
import {
  AmbientLight,
  Box3,
  Color,
  DirectionalLight,
  type Mesh,
  Group,
  PerspectiveCamera,
  Scene,
  Vector3,
  WebGLRenderer,
  type Object3D,
} from "three";
import { GLTFLoader } from "three/addons/loaders/GLTFLoader.js";
import { OrbitControls } from "three/addons/controls/OrbitControls.js";
import type { AvatarAsset, VisemeGroup } from "../api";
import { VoiceDriver, type GroupWeights } from "./lipsync";
import { Idle } from "./idle";

export interface Viewer {
  /** Plays `audio` and lip-syncs to it; resolves when it has ended. */
  speak(audio: Blob): Promise<void>;
  stopSpeaking(): void;
  dispose(): void;
}

export interface ViewerState {
  morphs: Record<string, number>;
  /** The morph targets lip-sync drives (the rest are the idle face's). */
  mouthMorphs: string[];
  speaking: boolean;
  frames: number;
}
/** Read-only state and two test affordances (the browser tests look at pixels). */
export interface ViewerTestHooks {
  state(): ViewerState;
  /** Where a point of the model (GLB coordinates) is on the canvas now, in drawing-buffer pixels. */
  project(point: [number, number, number]): { x: number; y: number };
  /** Holds the face as it is (idle and lip-sync stop advancing; frames are still drawn) or lets it go. */
  hold(on: boolean): void;
}
declare global {
  interface Window {
    __maskyViewer?: Readonly<ViewerTestHooks>;
  }
}

type MorphMesh = Mesh & {
  morphTargetDictionary: Record<string, number>;
  morphTargetInfluences: number[];
};

/** For each asset morph name, its weight per viseme group. */
function mouthMix(asset: AvatarAsset): Map<string, Partial<Record<VisemeGroup, number>>> {
  const groups = Object.entries(asset.visemes) as [VisemeGroup, AvatarAsset["visemes"]["A"]][];
  const native = groups.every(([, v]) => v.nativeViseme);
  const mix = new Map<string, Partial<Record<VisemeGroup, number>>>();
  for (const [group, v] of groups) {
    const weights = native && v.nativeViseme ? { [v.nativeViseme]: 1 } : v.morphs;
    for (const [name, w] of Object.entries(weights)) {
      mix.set(name, { ...(mix.get(name) ?? {}), [group]: w });
    }
  }
  return mix;
}

export async function createViewer(container: HTMLElement, asset: AvatarAsset): Promise<Viewer> {
  const gltf = await new GLTFLoader().loadAsync(asset.url);
  const model: Object3D = gltf.scene;
  const meshes: MorphMesh[] = [];
  model.traverse((o) => {
    const m = o as MorphMesh;
    if (!m.isMesh) return;
    // Some packages carry no normals; lighting needs them.
    if (!m.geometry.getAttribute("normal")) m.geometry.computeVertexNormals();
    if (m.morphTargetDictionary && m.morphTargetInfluences) meshes.push(m);
  });

  const scene = new Scene();
  scene.background = new Color(0xe6e8ef);
  scene.add(new AmbientLight(0xffffff, 1.2));
  const key = new DirectionalLight(0xffffff, 2.2);
  key.position.set(1, 2, 3);
  scene.add(key);
  const rim = new DirectionalLight(0x9db4ff, 1);
  rim.position.set(-2, 1, -2);
  scene.add(rim);

  // Centre the model and frame it.
  const box = new Box3().setFromObject(model);
  const centre = box.getCenter(new Vector3());
  const size = box.getSize(new Vector3()).length() || 1;
  model.position.sub(centre);
  const pivot = new Group();
  pivot.add(model);
  scene.add(pivot);
  const camera = new PerspectiveCamera(35, 1, size / 100, size * 20);
  camera.position.set(0, size * 0.1, size * 1.6);

  // preserveDrawingBuffer: the canvas can be read back (tests check it is not blank).
  const renderer = new WebGLRenderer({ antialias: true, preserveDrawingBuffer: true });
  renderer.setPixelRatio(Math.min(2, window.devicePixelRatio));
  const canvas = renderer.domElement;
  canvas.id = "avatar-canvas";
  canvas.tabIndex = 0;
  canvas.setAttribute("role", "img");
  canvas.setAttribute(
    "aria-label",
    "Your 3D avatar. Drag or use the arrow keys to look around, scroll or pinch to zoom.",
  );
  container.replaceChildren(canvas);
  const controls = new OrbitControls(camera, canvas);
  controls.enableDamping = true;
  controls.listenToKeyEvents(canvas);
  controls.minDistance = size * 0.4;
  controls.maxDistance = size * 5;

  const resize = () => {
    const w = container.clientWidth || 320;
    const h = Math.round(Math.min(w, 560));
    renderer.setSize(w, h, false);
    canvas.style.width = "100%";
    canvas.style.height = `${h}px`;
    camera.aspect = w / h;
    camera.updateProjectionMatrix();
  };
  resize();
  const observer = new ResizeObserver(resize);
  observer.observe(container);

  const audio = new AudioContext();
  const voice = new VoiceDriver(audio);
  const idle = new Idle(asset.blendshapeMap.arkit);
  const mix = mouthMix(asset);
  const values: Record<string, number> = {};
  let frames = 0;

  const apply = (mouth: GroupWeights, face: Record<string, number>) => {
    for (const k of Object.keys(values)) values[k] = 0;
    for (const [name, byGroup] of mix) {
      let v = 0;
      for (const [g, w] of Object.entries(byGroup) as [VisemeGroup, number][]) v += mouth[g] * w;
      values[name] = v;
    }
    for (const [name, v] of Object.entries(face)) values[name] = (values[name] ?? 0) + v;
    for (const m of meshes) {
      for (const [name, v] of Object.entries(values)) {
        const i = m.morphTargetDictionary[name];
        if (i !== undefined) m.morphTargetInfluences[i] = Math.min(1, Math.max(0, v));
      }
    }
  };

  let last = performance.now();
  let raf = 0;
  let held = false;
  const loop = (now: number) => {
    const dt = Math.min(0.1, (now - last) / 1000);
    last = now;
    if (!held) {
      const pose = idle.frame(dt, voice.playing);
      pivot.rotation.set(pose.head.x, pose.head.y, pose.head.z);
      apply(voice.frame(dt), pose.morphs);
    }
    controls.update();
    renderer.render(scene, camera);
    frames++;
    raf = requestAnimationFrame(loop);
  };
  raf = requestAnimationFrame(loop);

  window.__maskyViewer = Object.freeze({
    state: (): ViewerState => ({ morphs: { ...values }, mouthMorphs: [...mix.keys()], speaking: voice.playing, frames }),
    project: ([x, y, z]: [number, number, number]) => {
      const p = model.localToWorld(new Vector3(x, y, z)).project(camera);
      return { x: ((p.x + 1) / 2) * canvas.width, y: ((1 - p.y) / 2) * canvas.height };
    },
    hold: (on: boolean) => {
      held = on;
    },
  });

  return {
    speak: (blob) => voice.play(blob),
    stopSpeaking: () => voice.stop(),
    dispose: () => {
      cancelAnimationFrame(raf);
      voice.stop();
      void audio.close();
      observer.disconnect();
      controls.dispose();
      renderer.dispose();
      delete window.__maskyViewer;
    },
  };
}

/**
 * The 3D viewer (this module and three.js load only on the 3D avatar page): the GLB
 * from its signed URL with GLTFLoader, orbit controls (mouse, touch and arrow keys),
 * and a face that lives: blinks (every 1–8 s, sometimes twice), idle eye saccades and
 * head sway, and lip-sync to a voice (timeline-player.ts): from the voice's speech
 * timeline on the audio clock when there is one, else from the sound itself, through
 * the asset's normalised viseme map or its own viseme morphs.
 *
 * `window.__maskyViewer` (viewer-hook.ts) is the browser tests' and the bench's hook:
 * the current influence of every named morph target, whether a voice is playing and
 * what moves the mouth, frames drawn; `speak` plays a voice as the page does, and
 * `lastSpeech` gives the frames of the latest one and their audio/visual sync.
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
import type { AvatarAsset } from "../api";
import { FrameClock } from "./av-clock";
import { Idle } from "./idle";
import { rigMorphs } from "./mouth-rig";
import { TimelinePlayer, type MouthSource, type SpeakOptions } from "./timeline-player";
import type { ViewerState } from "./viewer-hook";

export type { SpeakOptions } from "./timeline-player";

export interface Viewer {
  /**
   * Plays `audio` and lip-syncs to it; resolves when it has ended. With
   * `options.timeline` (or once `options.timelinePromise` resolves to one) the mouth
   * follows the voice's speech timeline, else the sound.
   */
  speak(audio: Blob | AudioBuffer, options?: SpeakOptions): Promise<void>;
  stopSpeaking(): void;
  dispose(): void;
}

type MorphMesh = Mesh & {
  morphTargetDictionary: Record<string, number>;
  morphTargetInfluences: number[];
};

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
  const hasMorph = (name: string) => meshes.some((m) => m.morphTargetDictionary[name] !== undefined);
  const speech = new TimelinePlayer(audio, asset, hasMorph);
  const mouthMorphs = [...new Set(speech.rigs().flatMap(rigMorphs))];
  const idle = new Idle(asset.blendshapeMap.arkit);
  const clock = new FrameClock();
  const values: Record<string, number> = {};
  let mouthSource: MouthSource | null = null;
  let frames = 0;

  const apply = (mouth: Record<string, number>, face: Record<string, number>) => {
    for (const k of Object.keys(values)) values[k] = 0;
    for (const [name, v] of Object.entries(mouth)) values[name] = v;
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
  const loop = (now: number) => {
    const dt = Math.min(0.1, (now - last) / 1000);
    last = now;
    clock.tick(now);
    const pose = idle.frame(dt, speech.playing);
    pivot.rotation.set(pose.head.x, pose.head.y, pose.head.z);
    // The mouth as it must look when this frame reaches the screen.
    const mouth = speech.frame(dt, clock.presentedAt(now));
    mouthSource = mouth.source;
    apply(mouth.morphs, pose.morphs);
    controls.update();
    renderer.render(scene, camera);
    frames++;
    raf = requestAnimationFrame(loop);
  };
  raf = requestAnimationFrame(loop);

  window.__maskyViewer = Object.freeze({
    state: (): ViewerState => ({
      morphs: { ...values },
      mouthMorphs: [...mouthMorphs],
      speaking: speech.playing,
      mouth: mouthSource,
      frames,
    }),
    speak: (blob: Blob, options?: SpeakOptions) => speech.speak(blob, options),
    lastSpeech: () => speech.lastSpeech(),
  });

  return {
    speak: (audio, options) => speech.speak(audio, options),
    stopSpeaking: () => speech.stop(),
    dispose: () => {
      cancelAnimationFrame(raf);
      speech.stop();
      void audio.close();
      observer.disconnect();
      controls.dispose();
      renderer.dispose();
      delete window.__maskyViewer;
    },
  };
}

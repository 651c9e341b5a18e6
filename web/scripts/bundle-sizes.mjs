#!/usr/bin/env node
/**
 * Prints the gzip size of the JavaScript each page loads, from the production build's
 * manifest (web/dist/.vite/manifest.json; `npm --prefix web run build` first):
 * the entry with its static imports, plus the screen's chunk with its static imports,
 * plus the Firebase modules the screen loads when it opens (declared below, as the
 * screens import them), and the 3D viewer chunk (three.js) that only the 3D page loads
 * once an avatar is done. Hosting does not serve dotfiles, so the manifest is not deployed.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { fileURLToPath } from "node:url";

const dist = process.argv[2] ?? path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "dist");
const manifest = JSON.parse(readFileSync(path.join(dist, ".vite", "manifest.json"), "utf8"));

/** Manifest key of the Firebase package module whose path contains `name`. */
const firebaseModule = (name) => {
  const key = Object.keys(manifest).find((k) => k.includes(`node_modules/firebase/${name}/`) && manifest[k].isDynamicEntry);
  if (!key) throw new Error(`no dynamic chunk for firebase/${name} in the manifest`);
  return key;
};

/** What each page loads before it is usable (the screens' dynamic imports at start). */
const PAGES = [
  { page: "Sign in (/signin)", modules: ["src/screens/sign-in.ts"] },
  { page: "Consent (/consent)", modules: ["src/screens/consent.ts"] },
  { page: "Talking video (/video)", modules: ["src/screens/video.ts", firebaseModule("functions")] },
  { page: "3D avatar (/avatar)", modules: ["src/screens/avatar.ts", firebaseModule("firestore")] },
  { page: "My data (/data)", modules: ["src/screens/my-data.ts", firebaseModule("firestore")] },
];

const sizes = new Map();
const gz = (file) => {
  if (!sizes.has(file)) sizes.set(file, gzipSync(readFileSync(path.join(dist, file)), { level: 9 }).length);
  return sizes.get(file);
};
/** The files of a manifest entry and everything it imports statically. */
function closure(key, into = new Set()) {
  const chunk = manifest[key];
  if (!chunk) throw new Error(`${key} is not in the manifest`);
  if (into.has(chunk.file)) return into;
  into.add(chunk.file);
  for (const dep of chunk.imports ?? []) closure(dep, into);
  return into;
}
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} kB`;
const total = (files) => [...files].reduce((sum, f) => sum + gz(f), 0);

const entryKey = Object.keys(manifest).find((k) => manifest[k].isEntry);
const entry = closure(entryKey);
console.log(`| page | initial JS (gzip) |\n|---|---|`);
for (const { page, modules } of PAGES) {
  const files = new Set(entry);
  for (const m of modules) closure(m, files);
  console.log(`| ${page} | ${kb(total(files))} |`);
}
const viewer = closure("src/avatar/viewer.ts");
for (const f of [...entry, ...closure("src/screens/avatar.ts")]) viewer.delete(f);
console.log(`| 3D viewer chunk (three.js, GLTFLoader, OrbitControls, lip-sync), loaded when an avatar is done | ${kb(total(viewer))} |`);
for (const [name, label] of [["firestore", "Firestore"], ["storage", "Storage (talking video, at upload)"]]) {
  console.log(`| ${label}, loaded on demand | ${kb(total(closure(firebaseModule(name))))} |`);
}

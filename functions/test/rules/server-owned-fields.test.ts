/**
 * firestore.rules refuse a client write of ANY server-owned field of ANY collection.
 * The fields come from the zod schemas src/store/ exports (every field and nested
 * field of every schema, store-fields.ts), tried on every collection, by a signed-in
 * owner, as a create and as an update of their own document. Only the fields the
 * design gives the client (a project's userId, name, voiceUrl, avatarUrl) may pass,
 * and they must (so a refusal is the field's, not a broken setup).
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { expect } from "chai";
import {
  assertSucceeds,
  initializeTestEnvironment,
  type RulesTestEnvironment,
} from "@firebase/rules-unit-testing";
import { doc, setDoc, setLogLevel, updateDoc, type Firestore } from "firebase/firestore";
import { PROJECT_ID, emulators } from "../helpers/env";
import {
  allFields,
  collectionsMatchedInRules,
  collectionsNamedInSource,
  storeSchemas,
  type StoreSchema,
} from "./store-fields";

const OWNER = "alice";
const RULES = readFileSync(path.resolve(__dirname, "../../../firestore.rules"), "utf8");

/**
 * Every collection the server writes: its document path for the owner, what an owner's
 * document holds (so the one thing wrong with a write is the field tried), and what
 * the client may write there.
 */
const COLLECTIONS: {
  path: string;
  base: Record<string, unknown>;
  clientCreates?: string[];
  clientUpdates?: string[];
}[] = [
  {
    path: "projects/d1",
    base: { userId: OWNER, name: "My project" },
    // Created by the server only (create_project, within the per-user cap).
    clientCreates: [],
    clientUpdates: ["name", "voiceUrl", "avatarUrl"],
  },
  { path: `users/${OWNER}`, base: {} },
  { path: `users/${OWNER}/heygenAvatarGroups/d1`, base: {} },
  { path: `users/${OWNER}/consent_log/d1`, base: { uid: OWNER } },
  { path: `users/${OWNER}/heygen_assets/d1`, base: {} },
  { path: `users/${OWNER}/counters/d1`, base: {} },
  { path: `users/${OWNER}/locks/d1`, base: {} },
  { path: `users/${OWNER}/speech_timelines/d1`, base: {} },
  { path: "avatar_jobs/d1", base: { user_id: OWNER } },
  { path: "avatar_assets/d1", base: { user_id: OWNER } },
  { path: "preferences/d1", base: { user_id: OWNER } },
  { path: "erasures/d1", base: { uid: OWNER } },
  { path: "webhook_events/d1", base: {} },
  { path: "quota_counters/d1", base: {} },
  { path: "heygen_cache/d1", base: {} },
];
const collectionOf = (p: string) => p.split("/").slice(-2, -1)[0];

/** `{a: {b: v}}` for the dotted path `a.b`. */
function nested(fieldPath: string, value: unknown): Record<string, unknown> {
  return fieldPath
    .split(".")
    .reduceRight<unknown>((inner, key) => ({ [key]: inner }), value) as Record<string, unknown>;
}

type Outcome = "denied" | "allowed" | string;
const outcome = (p: Promise<unknown>): Promise<Outcome> =>
  p.then(
    () => "allowed",
    (e: { code?: string }) => (e.code === "permission-denied" ? "denied" : `error ${e.code}`),
  );

/** Runs `tries` a few at a time; returns the ones not refused, with what happened. */
async function notRefused(
  tries: { what: string; run: () => Promise<unknown> }[],
): Promise<string[]> {
  const open: string[] = [];
  for (let i = 0; i < tries.length; i += 25) {
    const batch = tries.slice(i, i + 25);
    const results = await Promise.all(batch.map((t) => outcome(t.run())));
    results.forEach((r, k) => r !== "denied" && open.push(`${batch[k].what}: ${r}`));
  }
  return open;
}

describe("firestore.rules: no client write of a server-owned field (fields from the store's schemas)", function () {
  this.timeout(120000);
  let env: RulesTestEnvironment;
  let schemas: StoreSchema[];
  let fields: Map<string, unknown>;

  before(async () => {
    // Thousands of refusals on purpose: the SDK would log each one.
    setLogLevel("silent");
    const [host, port] = emulators.firestore().split(":");
    env = await initializeTestEnvironment({
      projectId: PROJECT_ID,
      firestore: { host, port: Number(port), rules: RULES },
    });
    schemas = await storeSchemas();
    fields = allFields(schemas);
  });
  beforeEach(() => env.clearFirestore());
  after(async () => {
    await env.cleanup();
    setLogLevel("warn");
  });

  const seed = (p: string, data: Record<string, unknown>) =>
    env.withSecurityRulesDisabled((ctx) =>
      setDoc(doc(ctx.firestore() as unknown as Firestore, p), data),
    );
  // One client for the owner: a context per write made thousands of Firebase apps (out of memory).
  let ownerDb: Firestore | undefined;
  const owner = () =>
    (ownerDb ??= env.authenticatedContext(OWNER).firestore() as unknown as Firestore);

  it("walks every schema src/store exports, nested fields included", () => {
    const names = schemas.map((s) => `${s.module}:${s.name}`);
    expect(names.length, names.join(", ")).to.be.greaterThan(5);
    for (const s of schemas.filter((x) => x.fields.size > 0)) {
      for (const [p] of s.fields) expect(fields.has(p), `${s.name}.${p}`).to.equal(true);
    }
    // Fields the design names, on projects, avatar jobs and users: found, not listed here.
    for (const p of [
      "heygenVideoId",
      "heygenStatus",
      "user_id",
      "status",
      "progress",
      "asset_id",
    ]) {
      expect(fields.has(p), p).to.equal(true);
    }
    expect(
      [...fields.keys()].some((p) => p.includes(".")),
      "nested fields",
    ).to.equal(true);
  });

  it("tries every collection the server code names and every collection the rules match", () => {
    const tried = new Set(COLLECTIONS.map((c) => collectionOf(c.path)));
    tried.add("users");
    for (const name of [...collectionsNamedInSource(), ...collectionsMatchedInRules(RULES)]) {
      expect(tried.has(name), `collection ${name} is missing from COLLECTIONS`).to.equal(true);
    }
  });

  for (const c of COLLECTIONS) {
    it(`${c.path}: no server-owned field can be created or updated by its owner`, async () => {
      const creates = c.clientCreates ?? [];
      const updates = c.clientUpdates ?? [];
      // Creates first, of a document that does not exist yet (the user document itself).
      const fresh = c.path === `users/${OWNER}` ? c.path : c.path.replace(/d1$/, "d2");
      const createTries = [...fields]
        .filter(([p]) => !creates.includes(p.split(".")[0]))
        .map(([p, value]) => ({
          what: `create ${fresh} with ${p}`,
          run: () => setDoc(doc(owner(), fresh), { ...c.base, ...nested(p, value) }),
        }));
      expect(createTries.length).to.be.greaterThan(fields.size - 5);
      expect(await notRefused(createTries)).to.deep.equal([]);
      // Then updates of the owner's own document, as the server would have written it.
      await seed(c.path, c.base);
      const updateTries = [...fields]
        .filter(([p]) => !updates.includes(p.split(".")[0]))
        .map(([p, value]) => ({
          what: `update ${c.path} with ${p}`,
          run: () => updateDoc(doc(owner(), c.path), { [p]: value }),
        }));
      expect(await notRefused(updateTries)).to.deep.equal([]);
      // What the client may write, it can: the refusals above are the fields'.
      if (creates.length) {
        await assertSucceeds(setDoc(doc(owner(), fresh), { ...c.base }));
      }
      for (const p of updates) {
        await assertSucceeds(updateDoc(doc(owner(), c.path), { [p]: "users/alice/x.webm" }));
      }
    });
  }
});

/**
 * Every example of the two seed documents with how test/seed/seed-examples.test.ts
 * sends it and what it gets: the test's own list, and the source of the table in
 * docs/seed-examples.md (the unit tier fails when the table is stale, or when a seed
 * example is missing here or listed but gone from the seed).
 *
 *   npx tsx test/seed/seed-examples.ts            rewrites the table in ../docs/seed-examples.md
 *   npx tsx test/seed/seed-examples.ts --check    fails when it is stale
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { REPO_ROOT } from "../../devtools/repo-root";
import { parseSeed, SEED_FILES, type SeedExample } from "./seed-files";

export interface ExampleOutcome {
  /** The example's id (seed-files.ts). */
  id: string;
  /** How the test sends or uses it: the placeholders it fills, nothing else. */
  sentAs: string;
  /** What it gets, and for a refusal why the value is refused. */
  outcome: string;
  /** The outcome in a few words, for the README's table. */
  short: string;
}

const H = "heygen-integration-flow.txt";
const P = "photoreal-avatar-api.txt";

export const SEED_EXAMPLE_OUTCOMES: readonly ExampleOutcome[] = [
  {
    id: `${H}: POST /api/heygen/generate request (minimal)`,
    short: "200: the video is made",
    sentAs:
      "`<projectId>` → a project of the test user with a recorded voice and a photo (Storage paths under `users/{uid}/`)",
    outcome:
      "200 `{videoId, fallbackAvatarUsed: false, voice}`: the photo becomes the user's look, the recording the voice",
  },
  {
    id: `${H}: POST /api/heygen/generate request (explicit)`,
    short: "400 `voiceUrl`: not the user's upload (SSRF); with the user's uploads, 200",
    sentAs: "`<projectId>` → the same kind of project; the two URLs exactly as written",
    outcome:
      "400 `INVALID_REQUEST`, `details[0].path` `voiceUrl`: `https://.../voices/voice_....webm` is not a file of this project's Storage, and generate never fetches a URL it is given (SSRF); `userAvatarUrl` `https://.../avatars/avatar_....jpg` is refused for the same reason. With the user's own uploads in their place (paths, `gs://` or Firebase download URLs under `users/{uid}/`) the same body is 200 (`heygenAvatarId: null` = absent, 1280×720, `avatarStyle: \"normal\"`)",
  },
  {
    id: `${H}: POST /api/heygen/generate response`,
    short: "matches (keys and types)",
    sentAs: "compared with the minimal example's answer",
    outcome:
      "same keys and types (`videoId` string, `fallbackAvatarUsed` false); the answer also carries `voice`",
  },
  {
    id: `${H}: GET /api/heygen/video_status.get request`,
    short: "200 with `status`",
    sentAs: "`<heygen_video_id>` → the minimal example's `videoId`",
    outcome: "200 with the video's `status` (the seed documents no response body)",
  },
  {
    id: `${P}: POST /avatar/jobs request (options)`,
    short: "202 for each alternative; both jobs end `done`",
    sentAs:
      'multipart `file` (a JPEG selfie) + `options` as listed, once per alternative: `{output: "glb", blendshapes: "arkit", realism: "high"}` and `{… blendshapes: "basic" …}`',
    outcome: "202 `{jobId}` for each; both jobs end `done` with an asset",
  },
  {
    id: `${P}: POST /avatar/jobs response 202`,
    short: "matches (keys and types)",
    sentAs: "compared with both answers",
    outcome: "same keys and types (`jobId` string)",
  },
  {
    id: `${P}: GET /avatar/jobs/:jobId response 200`,
    short: "matches (keys and types)",
    sentAs: "`:jobId` → each job; compared with the answer once the job is done",
    outcome:
      "same keys and types: `status` one of `queued|processing|done|error`, `progress` a number, `assetId` a string (present once done)",
  },
  {
    id: `${P}: GET /avatar/assets/:assetId response 200`,
    short: "matches (keys and types)",
    sentAs: "`:assetId` → each job's asset",
    outcome:
      "same keys and types: `url` a V4 signed URL of `avatars/{assetId}/model.glb`, `expiresIn` 3600; also `blendshapeMap`, `visemeMix`, `visemes`",
  },
  {
    id: `${P}: POST /avatar/preferences request`,
    short: "200; `pitch`/`speed` read as relative offsets",
    sentAs: '`"abc"` → the arkit job\'s asset id',
    outcome:
      '200; read back as sent, `voice.language` `"hinglish"` stored as the locale `en-IN`, `pitch` 0.1 (+10 %) and `speed` −0.05 (5 % slower) as relative offsets, the persona\'s scores at its top level',
  },
  {
    id: `${P}: POST /avatar/preferences response 200`,
    short: "equal: `{ok: true}`",
    sentAs: "compared with the answer",
    outcome: "equal: `{ok: true}`",
  },
  {
    id: `${P}: Blendshape/Viseme Mapping (example JSON) map`,
    short: "served as written by default (`mouthSmile` on both sides)",
    sentAs: "compared with `visemes[group].arkit` of both assets (default `visemeMix=seed`)",
    outcome:
      "equal, group by group and weight by weight, `mouthSmile` served as `mouthSmileLeft` + `mouthSmileRight` 0.6",
  },
  {
    id: `${P}: Frontend Loader (reference snippet) snippet`,
    short: "not an API call: the viewer loads the GLB that way",
    sentAs: "not an API call: client code",
    outcome:
      "the web client's viewer (`web/src/avatar/viewer.ts`) loads the signed URL with three.js `GLTFLoader` and finds the morph-target meshes, as the snippet describes",
  },
];

/** Every example the seeds hold, in file order. */
export const seedExamples = (): SeedExample[] => SEED_FILES.flatMap((f) => parseSeed(f));

/** Ids of the seeds without an outcome here, and of outcomes whose example is gone. */
export function unlistedExamples(): { unlisted: string[]; gone: string[] } {
  const ids = seedExamples().map((e) => e.id);
  const listed = SEED_EXAMPLE_OUTCOMES.map((o) => o.id);
  return {
    unlisted: ids.filter((id) => !listed.includes(id)),
    gone: listed.filter((id) => !ids.includes(id)),
  };
}

export function outcomeOf(id: string): ExampleOutcome {
  const o = SEED_EXAMPLE_OUTCOMES.find((x) => x.id === id);
  if (!o) throw new Error(`no outcome listed for the seed example ${id}`);
  return o;
}

const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");

/** The table of docs/seed-examples.md, one row per seed example in file order. */
export function renderSeedExamplesTable(): string {
  const rows = seedExamples().map((e) => {
    const o = outcomeOf(e.id);
    const example = e.id.slice(e.file.length + 2);
    return `| \`${e.file}\`:${e.line} | ${cell(example)} | ${cell(o.sentAs)} | ${cell(o.outcome)} |`;
  });
  return ["| seed:line | example | sent as | outcome |", "|---|---|---|---|", ...rows].join("\n");
}

/** The README's short table: each example and its outcome in a few words. */
export function renderReadmeSeedTable(): string {
  const rows = seedExamples().map((e) => {
    const example = e.id.slice(e.file.length + 2);
    return `| \`${e.file}\`:${e.line} | ${cell(example)} | ${cell(outcomeOf(e.id).short)} |`;
  });
  return ["| seed:line | example | outcome |", "|---|---|---|", ...rows].join("\n");
}

export const SEED_EXAMPLES_DOC = path.join(REPO_ROOT, "docs", "seed-examples.md");
export const README = path.join(REPO_ROOT, "README.md");
const START =
  "<!-- seed-examples table: generated by `cd functions && npx tsx test/seed/seed-examples.ts` -->";
const END = "<!-- end of the seed-examples table -->";

/** `page` with the text between its START and END markers replaced by `table`. */
function withTable(page: string, table: string, name: string): string {
  const from = page.indexOf(START);
  const to = page.indexOf(END);
  if (from < 0 || to < from) throw new Error(`${name} has no ${START} … ${END}`);
  return `${page.slice(0, from)}${START}\n\n${table}\n\n${page.slice(to)}`;
}

/** The page with its table replaced by the current one. */
export function withCurrentTable(page: string): string {
  return withTable(page, renderSeedExamplesTable(), "docs/seed-examples.md");
}

/** The README with its seed table replaced by the current one. */
export function withCurrentReadmeTable(readme: string): string {
  return withTable(readme, renderReadmeSeedTable(), "README.md");
}

if (require.main === module) {
  const pages = [
    { file: SEED_EXAMPLES_DOC, render: withCurrentTable },
    { file: README, render: withCurrentReadmeTable },
  ];
  for (const { file, render } of pages) {
    const page = readFileSync(file, "utf8");
    const next = render(page);
    if (process.argv.includes("--check")) {
      if (next !== page) {
        console.error(`${file} is stale: run npx tsx test/seed/seed-examples.ts`);
        process.exitCode = 1;
      }
    } else if (next !== page) {
      writeFileSync(file, next);
      console.log(`wrote ${file}`);
    }
  }
}

/**
 * Renders docs/lifecycles.md from the transition tables in src/store/, so the diagrams
 * cannot drift from the code (test/unit/lifecycles.test.ts compares them).
 *
 *   npx tsx devtools/lifecycles-doc.ts            writes ../docs/lifecycles.md
 *   npx tsx devtools/lifecycles-doc.ts --check    fails when it is out of date
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { generationMachine } from "../src/store/project-generation";
import { videoMachine } from "../src/store/project-video";
import { archiveMachine } from "../src/store/project-archive";
import { jobMachine } from "../src/store/avatar-job-lifecycle";
import { erasureMachine } from "../src/store/erasure-lifecycle";
import { HISTORY_LIMIT, renderMermaid, type Machine } from "../src/store/state-machine";

export const LIFECYCLES_FILE = path.resolve(__dirname, "../../docs/lifecycles.md");

interface Lifecycle {
  machine: Machine<string>;
  module: string;
  /** What a newcomer reads, in order, to understand it. */
  read: string[];
  fields: string;
}

export const LIFECYCLES: Lifecycle[] = [
  {
    machine: generationMachine,
    module: "functions/src/store/project-generation.ts",
    fields:
      "`generation {state, attempt, leaseExpiresAt, leaseToken, reuseAttempt}` (a sub-object; the web client reads `generation.state`; `reuseAttempt`: the failed create may have reached HeyGen, so the next claim keeps the attempt and its Idempotency-Key).",
    read: [
      "functions/src/store/project-generation.ts (the table, claimSubmit, markSubmitted, failSubmit)",
      "functions/src/services/heygen/generate-video.ts (the steps folder → look → audio → create → record)",
      "test/heygen/generate-overlap.test.ts, test/store/fenced-leases.test.ts",
    ],
  },
  {
    machine: videoMachine,
    module: "functions/src/store/project-video.ts",
    fields:
      "`heygenStatus` (primary: HeyGen's own word, normalised to the states below; `waiting` is pending, anything unknown processing), `videoUrl`, `videoUrlExpiresAt`, `thumbnailUrl`, `durationSeconds`, `error`, `heygenCheckedAt`; the poll back-off `pollFailures`, `pollAuthFailures`, `pollNextAttemptAt` (not a state).",
    read: [
      "functions/src/store/project-video.ts (the table, recordStatus, endVideo, cancelVideo, the poll back-off)",
      "functions/src/services/heygen/poll-videos.ts, read-failures.ts, webhook.ts, video-status.ts (who reports HeyGen's answers)",
      "test/heygen/poller.test.ts, webhook.test.ts, stale-writes.test.ts",
    ],
  },
  {
    machine: archiveMachine,
    module: "functions/src/store/project-archive.ts",
    fields:
      "`archiveState` (primary), `archiveAttempts`, `archiveNextAttemptAt` (while running: the lease's end), `archiveError`, `archiveLeaseToken`, `archivedVideoPath`, `archivedAt`, `archiveRetainUntil`, `archivePurgedAt`.",
    read: [
      "functions/src/store/project-archive.ts (the table, claimArchive, markArchived, scheduleArchiveRetry, markPurged)",
      "functions/src/services/heygen/archive-video.ts, functions/src/index.ts `on_project_updated`, services/privacy/purge-expired-media.ts",
      "test/heygen/archive.test.ts",
    ],
  },
  {
    machine: jobMachine,
    module: "functions/src/store/avatar-job-lifecycle.ts",
    fields:
      "`job {state, attempts, lease, nextAttemptAt, error, history, readFailures, authFailures}` (the job shape: `attempts` counts the submissions, the lease is the submission's until the provider's id is recorded, then the finalisation's; `nextAttemptAt` is when the sweep next works on it, never after the deadline); the seed's `status`, `attempts` and `error` are mirrors of `job.state`, `job.attempts` and `job.error.message`, written by the same transitions; `progress`, `asset_id`, `provider_job_id`, `action` are the job's own. Schema: functions/src/store/avatar-jobs.ts.",
    read: [
      "functions/src/store/avatar-jobs.ts (the schema) and avatar-job-lifecycle.ts (the table and transitions)",
      "functions/src/services/avatar/create-job.ts, submit-job.ts, advance-jobs.ts (the sweep), advance-job.ts (one job's next step), finalize-job.ts",
      "test/avatar/pipeline.test.ts, job-endings.test.ts, test/store/fenced-leases.test.ts",
    ],
  },
  {
    machine: erasureMachine,
    module: "functions/src/store/erasure-lifecycle.ts",
    fields:
      "`erasure {state, attempts, lease, nextAttemptAt, error, history}` (the job shape; `GET /api/me/erasure` answers its state as `status`; `attempts` counts the runs, `error.code` names the step that failed), `steps {consent, heygen, storage, firestore, auth}` (each step's time), `counts`, `completedAt`; the uid until done (then only the tombstone). Schema: functions/src/store/erasures.ts.",
    read: [
      "functions/src/store/erasures.ts (the schema, the id) and erasure-lifecycle.ts (the table, createErasure, claimErasure, recordErasureStep, scheduleErasureRetry, completeErasure)",
      "functions/src/services/privacy/erasure.ts (a run) and erasure-steps.ts (what each step deletes)",
      "test/privacy/erasure.test.ts, erasure-providers.test.ts, test/store/fenced-leases.test.ts",
    ],
  },
];

const INTRO = `# Lifecycles

Generated by \`npx tsx functions/devtools/lifecycles-doc.ts\` from the transition tables in
\`functions/src/store/\`; \`npm run test:unit\` fails when this file is stale.

A project document holds three lifecycles (generation, video, archive), an avatar job one,
an account erasure one.
Each lives in one store module with its states, its terminal states, its transition table
and the named functions that make the transitions. Those functions are the only writers of
the status fields: each runs in a transaction, takes the next state from the table (a move
the table does not list is not written), checks the lease token where a lease exists, and
appends \`{state, at}\` (\`{machine, state, at}\` on projects) to the document's \`history\`
when the state changes, keeping the last ${HISTORY_LIMIT} entries (the web client's timeline).

**Fields.** The fields clients read today stay primary at the same place and with the same
names (\`heygenStatus\`, \`archiveState\`, \`generation.state\`, \`status\`, \`progress\`,
\`asset_id\`, \`action\` …); there are no mirrors. The new fields are \`history\` and the
lease tokens (\`generation.leaseToken\`, \`archiveLeaseToken\`, \`finalizing.token\`).
The avatar job's finalisation lease moved from \`finalizing_until\` to
\`finalizing {token, until}\`; an old \`finalizing_until\` is still read.

**Fenced leases.** A claim (generate's \`claimSubmit\`, \`claimArchive\`, \`claimFinalize\`,
\`claimErasure\`, the per-user lock in store/locks.ts) draws a random token; every write under the lease
presents it and is refused (and logged with the project or job id) when another worker
took the lease over after it expired. Each lease is longer than the function that holds it
can run, or is renewed (the user lock).

**Reading a table.** \`fn\` is the store function that makes the transition, \`by\` who calls
it. The initial state (no field written yet) is drawn as \`[*]\`. Terminal states are left
only by the events the machine lists as reopening.
`;

function section(l: Lifecycle): string {
  const m = l.machine;
  const rows = m.transitions.map(
    (t) =>
      `| ${t.from} | ${t.event} | ${t.to} | ${t.fn
        .split(", ")
        .map((f) => `\`${f}\``)
        .join(", ")} | ${t.by} |`,
  );
  return [
    `## ${m.name[0].toUpperCase()}${m.name.slice(1)} (\`${m.field}\`)`,
    "",
    `Module: \`${l.module}\`.`,
    "",
    `Fields: ${l.fields}`,
    "",
    `States: ${m.states.map((s) => `\`${s}\``).join(", ")}. Terminal: ${
      m.terminal.length ? m.terminal.map((s) => `\`${s}\``).join(", ") : "none"
    }${m.reopen.length ? ` (reopened by ${m.reopen.map((e) => `\`${e}\``).join(", ")})` : ""}.`,
    "",
    "A newcomer reads:",
    "",
    ...l.read.map((r, i) => `${i + 1}. ${r}`),
    "",
    "```mermaid",
    renderMermaid(m),
    "```",
    "",
    "| from | event | to | fn | by |",
    "| --- | --- | --- | --- | --- |",
    ...rows,
    "",
  ].join("\n");
}

export function renderLifecyclesDoc(): string {
  return [INTRO, ...LIFECYCLES.map(section)].join("\n");
}

if (require.main === module) {
  const fresh = renderLifecyclesDoc();
  if (process.argv.includes("--check")) {
    if (readFileSync(LIFECYCLES_FILE, "utf8") !== fresh) {
      console.error("docs/lifecycles.md is out of date: run npx tsx devtools/lifecycles-doc.ts");
      process.exit(1);
    }
  } else {
    writeFileSync(LIFECYCLES_FILE, fresh);
  }
}

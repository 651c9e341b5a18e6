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
import { HISTORY_LIMIT } from "../src/store/job-shape";
import { renderMermaid, type Machine } from "../src/store/state-machine";
import { REPO_ROOT } from "./repo-root";

export const LIFECYCLES_FILE = path.join(REPO_ROOT, "docs", "lifecycles.md");

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
      "`generation {state, attempts, lease, nextAttemptAt, error, history, reuseAttempt, deferred}` (the job shape: `attempts` is the number of the current attempt, kept by a take-over and after an ambiguous create (`reuseAttempt`) so v3's Idempotency-Key and v2's title marker name the same create; `deferred` holds the request and the reserved video of a generate waiting for its look; `nextAttemptAt` is when resume_deferred_generates may take a deferred one over). Mirrors it writes: `step`, `error`, and with a new video `heygenVideoId`, `heygenStatus`, `voice`, `fallbackAvatarUsed`, `updatedAt`.",
    read: [
      "functions/src/store/project-generation.ts (the table, claimSubmit, markSubmitted, failSubmit) and project-deferral.ts (deferSubmit, resumeDeferred)",
      "functions/src/services/heygen/generate-video.ts (generate, top to bottom), attempt-video.ts (one attempt and its record), resume-generate.ts (the background run)",
      "test/heygen/generate-overlap.test.ts, deferred-generate.test.ts, test/store/fenced-leases.test.ts",
    ],
  },
  {
    machine: videoMachine,
    module: "functions/src/store/project-video.ts",
    fields:
      "`video {state, attempts, lease, nextAttemptAt, error, history, authFailures, apiVersion, submittedAt, checkedAt}` (the job shape: `attempts` and `authFailures` count HeyGen reads that failed in a row, `nextAttemptAt` is the poll back-off; no lease). Mirrors it writes: `heygenStatus` (HeyGen's own word; `waiting` is pending, anything unknown processing), `videoUrl`, `videoUrlExpiresAt`, `thumbnailUrl`, `durationSeconds`, `step`, `error`, `updatedAt`.",
    read: [
      "functions/src/store/project-video.ts (the table, recordStatus, recordReadFailure, endVideo, cancelVideo)",
      "functions/src/services/heygen/poll-videos.ts, read-failures.ts, webhook.ts, video-status.ts (who reports HeyGen's answers)",
      "test/heygen/poller.test.ts, webhook.test.ts, stale-writes.test.ts",
    ],
  },
  {
    machine: archiveMachine,
    module: "functions/src/store/project-archive.ts",
    fields:
      "`archive {state, attempts, lease, nextAttemptAt, error, history, archivedAt, retainUntil, purgedAt}` (the job shape: `attempts` counts the archival runs; `nextAttemptAt` is when it is due, while running the lease's end). Mirrors it writes: `archivedVideoPath`, `step`.",
    read: [
      "functions/src/store/project-archive.ts (the table, claimArchive, markArchived, scheduleArchiveRetry, markPurged)",
      "functions/src/services/heygen/archive-video.ts, functions/src/handlers/on-project-updated.ts, services/privacy/purge-expired-media.ts",
      "test/heygen/archive.test.ts",
    ],
  },
  {
    machine: jobMachine,
    module: "functions/src/store/avatar-job-lifecycle.ts",
    fields:
      "`job {state, attempts, lease, nextAttemptAt, error, history, readFailures, authFailures}` (the job shape: `attempts` counts the submissions, the lease is the submission's until the provider's id is recorded, then the finalisation's; `nextAttemptAt` is when the sweep next works on it, never after the deadline); the seed's `status`, `attempts` and `error` are mirrors of `job.state`, `job.attempts` and `job.error.message`, written by the same transitions; `progress`, `asset_id`, `provider_job_id`, `action` are the job's own. Schema: functions/src/store/avatar-jobs.ts.",
    read: [
      "functions/src/store/avatar-jobs.ts (the schema), avatar-job-lifecycle.ts (the table and transitions) and avatar-job-finalization.ts (the finalisation's lease)",
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
\`functions/src/store/\`; \`npm run test:unit\` fails when this file is stale. Which
collection holds what, and who writes it: [data-model.md](data-model.md).

A project document holds three lifecycles (generation, video, archive), an avatar job one,
an account erasure one. Each keeps its state in one sub-object of the same shape (the job
shape, \`functions/src/store/job-shape.ts\`):

    {state, attempts, lease: {token, until} | null, nextAttemptAt, error, history}

Each lives in one store module with its states, its terminal states, its transition table
and the named functions that make the transitions. Those functions all write through one
function, \`leasedTransition\` (\`functions/src/store/leased-transition.ts\`), the only writer
of these sub-objects: it takes the next state from the table (a move the table does not
list is not written), applies the row's lease effect, appends \`{state, at}\` to the
sub-object's \`history\` when the state changes (the last ${HISTORY_LIMIT} entries), and writes
the document's mirrors in the same update. It reads the document in a transaction, or
writes on the caller's own read under an update-time precondition (the avatar job sweep:
no second read unless the job changed meanwhile).

**Mirrors.** The design's fields clients read stay at the top level, written by the same
transition as the sub-object they mirror: on projects \`heygenStatus\` (the video's state in
HeyGen's words), \`step\` (\`preparing | rendering | saving | done | failed\`, what a person
sees; \`functions/src/store/project-step.ts\`), \`error\` (the failure a person sees),
\`archivedVideoPath\`; on avatar jobs \`status\`, \`attempts\` and \`error\`.

**Leases.** The \`lease\` column says what a transition does with the machine's lease:
\`take\` (a new random token replaces an absent or expired lease; a live one answers busy),
\`hold\` and \`release\` (the caller's token must be the lease's; a late worker whose lease
was taken over is refused and logged with the project, job or erasure id), \`clear\` (the
lease ends whoever holds it). Each lease is longer than the function holding it can run.
The per-user lock (\`functions/src/store/locks.ts\`) uses the same \`{token, until}\` lease.

**Reading a table.** \`fn\` is the store function that makes the transition, \`by\` who calls
it. The initial state (no sub-object written yet) is drawn as \`[*]\`. Terminal states are
left only by the events the machine lists as reopening.
`;

function section(l: Lifecycle): string {
  const m = l.machine;
  const rows = m.transitions.map(
    (t) =>
      `| ${t.from} | ${t.event} | ${t.to} | ${t.lease ?? ""} | ${t.fn
        .split(", ")
        .map((f) => `\`${f}\``)
        .join(", ")} | ${t.by} |`,
  );
  return [
    `## ${m.name[0].toUpperCase()}${m.name.slice(1)} (\`${m.collection}.${m.field}\`)`,
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
    "| from | event | to | lease | fn | by |",
    "| --- | --- | --- | --- | --- | --- |",
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

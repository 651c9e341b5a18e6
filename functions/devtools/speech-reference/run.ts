/**
 * `npx tsx devtools/speech-reference/run.ts` (from functions/): builds the reference set
 * with espeak-ng into .cache/, runs the backend's speech timeline and the browser
 * heuristic over it, and prints the scores side by side. `--json` prints the report.
 */
import { REFERENCE_CLASSES, referenceSet } from "./reference-set";
import { measureReference } from "./measure";
import { hasEspeak } from "./espeak";
import type { ClassScore } from "./score";

const pct = (x: number) => `${Math.round(x * 100)} %`;

async function main(): Promise<number> {
  if (!hasEspeak()) {
    console.error("espeak-ng is not installed (apt-get install -y espeak-ng)");
    return 2;
  }
  const set = referenceSet();
  const report = await measureReference(set);
  if (process.argv.includes("--json")) {
    console.log(JSON.stringify(report, null, 2));
    return 0;
  }
  console.log(
    `Reference set: ${set.items.length} syllables, ${set.silences.length} silences, ` +
      `${report.audioSeconds.toFixed(1)} s (${set.wav})\n`,
  );
  console.log(
    "| Class (syllables) | Timeline: shown / time / elsewhere | Browser heuristic: shown / time / elsewhere |",
  );
  console.log("|---|---|---|");
  const cells = (c: ClassScore) =>
    `${pct(c.shown)} / ${pct(c.timeShare)} / ${pct(c.shownElsewhere)}`;
  for (const cls of REFERENCE_CLASSES) {
    const t = report.timeline.classes[cls];
    console.log(
      `| ${cls} (${t.syllables}) | ${cells(t)} | ${cells(report.browser.classes[cls])} |`,
    );
  }
  console.log(
    `| silence shown as rest | ${pct(report.timeline.silenceShare)} | ${pct(report.browser.silenceShare)} |`,
  );
  console.log(
    `| … with white noise at −50 dBFS | ${pct(report.noisy.timeline.silenceShare)} | ${pct(report.noisy.browser.silenceShare)} |`,
  );
  console.log("\nWhat each showed during each class (share of the syllables' time):");
  for (const cls of REFERENCE_CLASSES) {
    const top = (c: Record<string, number>) =>
      Object.entries(c)
        .slice(0, 4)
        .map(([k, v]) => `${k} ${pct(v)}`)
        .join(", ");
    console.log(
      `  ${cls}: timeline ${top(report.timeline.confusion[cls])}; browser ${top(report.browser.confusion[cls])}`,
    );
  }
  const ms = report.msPerAudioSecond;
  console.log(
    `\nTimeline CPU: ${ms.toFixed(2)} ms per audio second (${Math.round(1000 / ms)}× real time); ` +
      `${report.tenSeconds.audioSeconds.toFixed(1)} s of speech, decode included: ${Math.round(report.tenSeconds.wallMs)} ms wall, ${report.tenSeconds.words} words`,
  );
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    console.error(err);
    process.exit(1);
  },
);

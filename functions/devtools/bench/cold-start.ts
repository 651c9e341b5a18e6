/**
 * Cold-start import cost: how long `require("lib/index.js")` (every function of the
 * backend, as the runtime loads it) takes against a bare firebase-functions v2 module
 * that imports the https, firestore and scheduler triggers, each in a fresh Node
 * process (nothing cached), alternating, several rounds; medians and their ratio.
 */
import { execFileSync } from "node:child_process";
import path from "node:path";
import { FUNCTIONS_DIR } from "../harness/paths";

const LIB_INDEX = path.join(FUNCTIONS_DIR, "lib", "index.js");

/** Run inside the child: the time of the requires alone, in ms. */
const timedRequire = (modules: string[]) => `
const t = process.hrtime.bigint();
${modules.map((m) => `require(${JSON.stringify(m)});`).join("\n")}
process.stdout.write(String(Number(process.hrtime.bigint() - t) / 1e6));
`;

const BARE = [
  "firebase-functions/v2/https",
  "firebase-functions/v2/firestore",
  "firebase-functions/v2/scheduler",
];

function importMs(modules: string[]): number {
  const out = execFileSync(process.execPath, ["-e", timedRequire(modules)], {
    cwd: FUNCTIONS_DIR,
    encoding: "utf8",
    // As deployed: no emulator variables, no debugger hooks.
    env: { PATH: process.env.PATH ?? "", NODE_ENV: "production" },
  });
  return Number(out);
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

export interface ColdStart {
  rounds: number;
  libMs: number;
  bareMs: number;
  ratio: number;
}

export function measureColdStart(rounds: number): ColdStart {
  importMs(BARE); // the first process also warms the disk cache: not counted
  importMs([LIB_INDEX]);
  const lib: number[] = [];
  const bare: number[] = [];
  for (let i = 0; i < rounds; i++) {
    bare.push(importMs(BARE));
    lib.push(importMs([LIB_INDEX]));
  }
  const libMs = median(lib);
  const bareMs = median(bare);
  return { rounds, libMs, bareMs, ratio: libMs / bareMs };
}

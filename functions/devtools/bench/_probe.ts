// Temporary probe (not committed): Firestore ops of one avatar job and one generate, with callers.
import path from "node:path";
import { Firestore } from "firebase-admin/firestore";
import { CACHE_DIR } from "../harness/paths";
import { ensureDevSigner } from "../dev-signer";
import {
  LOCAL_PROJECT_ID,
  ensureLocalConfig,
  useStackFromThisProcess,
} from "../local-stack/config";
import { divertStructuredLogs, stackIsUp, startStack, stopStack } from "../local-stack/child";
import { DEFAULT_TIMINGS } from "../heygen-sim/model";
import { measureAvatarJobCost } from "./avatar-job-cost";
import { measureGenerateCosts } from "./generate-costs";
import { BENCH_PROJECT_ID, clearProject } from "./context";
import { installFirestoreMeter } from "./firestore-meter";
import { SimControl } from "./sim-control";

const ops: string[] = [];
function trace(method: string) {
  const stack = (new Error().stack ?? "")
    .split("\n")
    .filter((l) => l.includes("/src/") || l.includes("/bench/avatar") || l.includes("/bench/gen"));
  ops.push(
    `${method} <- ${stack
      .slice(0, 3)
      .map((l) =>
        l
          .trim()
          .replace(/.*\/functions\//, "")
          .replace(/\)$/, ""),
      )
      .join(" < ")}`,
  );
}
async function main() {
  const { params, secrets } = ensureLocalConfig();
  let child = null;
  if (!(await stackIsUp()))
    child = await startStack(path.join(CACHE_DIR, "bench", "probe-stack.log"));
  try {
    divertStructuredLogs(path.join(CACHE_DIR, "bench", "probe-services.log"));
    const signer = ensureDevSigner(CACHE_DIR, LOCAL_PROJECT_ID);
    useStackFromThisProcess(params, secrets, signer.credentialsFile);
    installFirestoreMeter();
    const proto = Firestore.prototype as unknown as Record<string, (...a: unknown[]) => unknown>;
    const req = proto.request,
      rs = proto.requestStream;
    proto.request = function (this: unknown, m: unknown, r: unknown, ...rest: unknown[]) {
      if (m === "commit") trace(`commit(${((r as { writes?: unknown[] }).writes ?? []).length})`);
      return req.call(this, m, r, ...rest);
    };
    proto.requestStream = function (this: unknown, m: unknown, ...rest: unknown[]) {
      if (m !== "listen") trace(String(m));
      return rs.call(this, m, ...rest);
    };
    const sim = new SimControl(params.HEYGEN_API_BASE_URL);
    await sim.timings(DEFAULT_TIMINGS);
    await clearProject(BENCH_PROJECT_ID);
    ops.length = 0;
    const job = await measureAvatarJobCost(params);
    console.log("AVATAR JOB", JSON.stringify(job));
    for (const o of ops) console.log("  ", o);
    ops.length = 0;
    if (process.argv.includes("--generate")) {
      const costs = await measureGenerateCosts(params, sim);
      for (const c of costs)
        console.log(
          "GENERATE",
          c.apiVersion,
          c.audioSource,
          c.generate,
          JSON.stringify(c.firestore),
        );
    }
  } finally {
    if (child) await stopStack(child);
  }
}
main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);

/**
 * Captures what the process writes to stdout and stderr while `run` runs (the
 * firebase-functions logger writes its JSON lines there), without echoing it.
 * Pure: usable from the unit tier.
 */
export async function captureLogs<T>(run: () => Promise<T>): Promise<{ result: T; text: string }> {
  const chunks: string[] = [];
  const streams = [process.stdout, process.stderr];
  const originals = streams.map((s) => s.write);
  for (const s of streams) {
    s.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      chunks.push(typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8"));
      const done = rest.find((r) => typeof r === "function") as (() => void) | undefined;
      done?.();
      return true;
    }) as typeof s.write;
  }
  try {
    const result = await run();
    return { result, text: chunks.join("") };
  } finally {
    streams.forEach((s, i) => (s.write = originals[i]));
  }
}

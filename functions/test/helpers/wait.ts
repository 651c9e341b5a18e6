/** Waiting for something the test cannot be told about (a simulator's request log, a render). */

/**
 * Polls `condition` until it holds; at `timeoutMs` it throws naming `what`. Use it
 * instead of a fixed sleep: a sleep assumes how fast the machine is.
 */
export async function waitUntil(
  condition: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 15000,
  intervalMs = 50,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() >= deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/**
 * Waits for a condition that announces itself with no event (a process gone from /proc, a fake's group
 * formed on a later turn): looks again every few milliseconds. The bound only catches a hang.
 */
export async function waitUntil(done: () => boolean, what: string, boundMs = 20_000): Promise<void> {
  const started = Date.now();
  while (!done()) {
    if (Date.now() - started > boundMs) throw new Error(`Still not true after ${boundMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

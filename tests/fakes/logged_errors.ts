/** What code under test says on console.error, for tests of what an operator is told. */

/** Runs `run` with console.error captured: the lines it logged. */
export async function loggedErrors(run: (lines: string[]) => Promise<void>): Promise<void> {
  const original = console.error;
  const lines: string[] = [];
  console.error = (...args: unknown[]) => void lines.push(args.map(String).join(" "));
  try {
    await run(lines);
  } finally {
    console.error = original;
  }
}

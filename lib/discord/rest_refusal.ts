/**
 * Sorts what went wrong when the bot called Discord's REST API during start-up: a refusal for good (a bad
 * token) ends the bot with a sentence; Discord being out of reach (no network, DNS, a refused connection,
 * a 5xx) is waited out. Discordeno's REST errors carry `{ status, body }` as their cause; status 999 is
 * its mark for a request that never got an answer, and without a proxy fetch's own TypeError comes through.
 */

/** The operator's explanation when Discord's REST API refused the bot for good, or null for other errors. */
export function restRefusalMessage(error: unknown): string | null {
  const status = statusOf(error);
  if (status === 401) {
    return "Discord rejected the bot token (HTTP 401 Unauthorized). Copy DISCORD_TOKEN again from the Bot page of the Developer Portal.";
  }
  return null;
}

/** Why Discord could not be reached (worth trying again later), or null when the error is something else. */
export function unreachableReason(error: unknown): string | null {
  const status = statusOf(error);
  if (status === 999) return "no answer";
  if (status !== undefined && status >= 500 && status <= 599) return `HTTP ${status}`;
  if (error instanceof TypeError || error instanceof Deno.errors.ConnectionRefused) {
    // Deno's fetch says "fetch failed" and keeps the real reason in its cause.
    const cause = (error as { cause?: unknown }).cause;
    return shortNetworkReason(cause instanceof Error ? cause.message : error.message);
  }
  return null;
}

function statusOf(error: unknown): number | undefined {
  const status = (error as { cause?: { status?: unknown } } | null)?.cause?.status;
  return typeof status === "number" ? status : undefined;
}

/** Deno's fetch errors nest "error sending request for url (...): client error (Connect): ...: reason". */
function shortNetworkReason(message: string): string {
  const known =
    /connection refused|dns error|failed to lookup address|timed out|connection reset|unreachable/i
      .exec(message);
  if (known) return known[0].toLowerCase();
  const last = message.split(/:\s+/).at(-1)?.trim();
  return last ? last.replace(/\s*\(os error \d+\)$/, "") : "network error";
}

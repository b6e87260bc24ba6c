/**
 * Recognises the REST answers that mean the bot cannot run at all, so start-up can end with a sentence
 * instead of a stack trace. Discordeno's REST errors carry `{ status, body }` as their cause.
 */

/** The operator's explanation when Discord's REST API refused the bot for good, or null for other errors. */
export function restRefusalMessage(error: unknown): string | null {
  const status = (error as { cause?: { status?: unknown } } | null)?.cause?.status;
  if (status === 401) {
    return "Discord rejected the bot token (HTTP 401 Unauthorized). Copy DISCORD_TOKEN again from the Bot page of the Developer Portal.";
  }
  return null;
}

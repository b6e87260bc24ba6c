/**
 * The link that adds the bot to a server: the application id from READY, the scopes for a bot with slash
 * commands, and exactly the permissions it needs to see a channel, post there (the now-playing card is an
 * embed), join voice and speak.
 */

/** Discord's permission bits the bot asks for. */
export const BOT_PERMISSIONS = {
  viewChannels: 1n << 10n,
  sendMessages: 1n << 11n,
  /** Without it a posted embed (the now-playing card) shows nothing where @everyone lacks it. */
  embedLinks: 1n << 14n,
  connect: 1n << 20n,
  speak: 1n << 21n,
} as const;

/** The sum of `BOT_PERMISSIONS`, as Discord's `permissions` parameter takes it. */
export const BOT_PERMISSION_INTEGER: string = Object.values(BOT_PERMISSIONS)
  .reduce((sum, bit) => sum | bit, 0n)
  .toString();

/** The OAuth2 URL that invites application `applicationId` with the bot's scopes and permissions. */
export function inviteLink(applicationId: string): string {
  const query = new URLSearchParams({
    client_id: applicationId,
    scope: "bot applications.commands",
    permissions: BOT_PERMISSION_INTEGER,
  });
  return `https://discord.com/oauth2/authorize?${query}`;
}

/**
 * What each gateway close code means for the bot: give up (with a message an operator can act on),
 * resume the session, start a new one, or leave it to Discordeno (codes it uses for its own closes).
 */
import { GatewayCloseEventCodes, ShardSocketCloseCodes } from "discordeno";

/** The bot's answer to a close. */
export type CloseAction = "fatal" | "resume" | "identify" | "internal";

/** Codes Discordeno closes its own sockets with; it knows what to do next. */
const INTERNAL = new Set<number>([
  ShardSocketCloseCodes.Shutdown,
  ShardSocketCloseCodes.ResumeClosingOldConnection,
  ShardSocketCloseCodes.ZombiedConnection,
  ShardSocketCloseCodes.TestingFinished,
  ShardSocketCloseCodes.Resharded,
  ShardSocketCloseCodes.ReIdentifying,
]);

/** Retrying cannot help: the configuration itself is wrong. */
const FATAL: Readonly<Record<number, string>> = {
  [GatewayCloseEventCodes.AuthenticationFailed]:
    "Discord rejected the bot token (gateway close 4004). Copy DISCORD_TOKEN again from the Bot page of the Developer Portal.",
  [GatewayCloseEventCodes.InvalidShard]: "Discord refused the shard number (gateway close 4010).",
  [GatewayCloseEventCodes.ShardingRequired]:
    "Discord requires sharding for this bot (gateway close 4011); Trazom runs one shard.",
  [GatewayCloseEventCodes.InvalidApiVersion]:
    "Discord refused the gateway API version (gateway close 4012). Check DISCORD_GATEWAY_URL.",
  [GatewayCloseEventCodes.InvalidIntents]:
    "Discord refused the gateway intents as invalid (gateway close 4013).",
  [GatewayCloseEventCodes.DisallowedIntents]:
    "Discord refused the gateway intents (gateway close 4014, disallowed intents). Trazom asks for Guilds and Guild Voice States; check the application's settings in the Developer Portal.",
};

/** These end the session for good: the next connection must identify. */
const NEW_SESSION = new Set<number>([
  GatewayCloseEventCodes.NotAuthenticated,
  GatewayCloseEventCodes.InvalidSeq,
  GatewayCloseEventCodes.SessionTimedOut,
]);

/** How to react to a close with `code`; anything unknown (network drops included) resumes. */
export function closeAction(code: number): CloseAction {
  if (INTERNAL.has(code)) return "internal";
  if (code in FATAL) return "fatal";
  if (NEW_SESSION.has(code)) return "identify";
  return "resume";
}

/** The operator's explanation of a fatal close. */
export function fatalCloseMessage(code: number, reason: string): string {
  return FATAL[code] ?? `Discord closed the gateway for good (code ${code}${reason ? `: ${reason}` : ""}).`;
}

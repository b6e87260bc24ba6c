/**
 * The voice privacy code of a guild's call: the code every member of an end-to-end encrypted call derives
 * from the same MLS epoch, so people can check that their client and the bot share the call's keys.
 */
import { getVoiceConnection } from "@discordjs/voice";
import { type E2eeState, e2eeState } from "./e2ee_ready.ts";

/** What /privacy can say about a guild's call. */
export type VoicePrivacy =
  | { status: "encrypted"; channelId: string; code: string }
  | { status: Exclude<E2eeState, "encrypted">; channelId: string | undefined };

/** The privacy state and code of the bot's call in `guildId`. */
export function voicePrivacy(guildId: string): VoicePrivacy {
  // @discordjs/voice keeps one connection per guild; the player's connection is that one.
  const connection = getVoiceConnection(guildId);
  if (!connection) return { status: "offline", channelId: undefined };
  const channelId = connection.joinConfig.channelId ?? undefined;
  const state = e2eeState(connection);
  const code = connection.voicePrivacyCode;
  if (state === "encrypted" && code) return { status: "encrypted", channelId: channelId!, code };
  return { status: state === "encrypted" ? "pending" : state, channelId };
}

/** A privacy code in groups of five digits, as Discord's clients show it. */
export function groupedCode(code: string): string {
  return code.replace(/\s+/g, "").match(/.{1,5}/g)?.join(" ") ?? code;
}

/** Tells a guild's text channel what the music is doing: now playing, failures, the end of the queue. */
import type { RestManager } from "discordeno";
import type { GuildSession, SessionNotice } from "../guild/guild_session.ts";
import { escapeMarkdown, trackLabel } from "./format.ts";

/** Sends session notices as channel messages; a failed send is logged, never thrown. */
export function createAnnouncer(rest: RestManager): (session: GuildSession, notice: SessionNotice) => void {
  return (session, notice) => {
    const content = noticeText(notice);
    if (!session.textChannelId || !content) return;
    rest.sendMessage(session.textChannelId, { content, allowedMentions: { parse: [] } }).catch((error) => {
      console.error(`Could not post in channel ${session.textChannelId}:`, error);
    });
  };
}

/** The words for a notice; undefined when it is not worth a message. */
export function noticeText(notice: SessionNotice): string | undefined {
  switch (notice.kind) {
    case "now-playing":
      return `Now playing ${trackLabel(notice.track)}, requested by <@${notice.track.requesterId}>.`;
    case "track-failed":
      return `Skipping **${escapeMarkdown(notice.track.title)}**: ${notice.reason}`;
    case "queue-finished":
      return undefined;
  }
}

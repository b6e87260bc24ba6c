/** Tells a guild's text channel what the music is doing: now playing, failures, the end of the queue. */
import type { RestManager } from "discordeno";
import type { GuildSession, SessionEvent } from "../guild/guild_session.ts";
import { escapeMarkdown, formatDuration, trackLabel } from "./format.ts";

/** Sends session events worth a message to the session's text channel; a failed send is logged, never thrown. */
export function createAnnouncer(rest: RestManager): (session: GuildSession, event: SessionEvent) => void {
  return (session, event) => {
    const content = eventText(event);
    if (!session.textChannelId || !content) return;
    rest.sendMessage(session.textChannelId, { content, allowedMentions: { parse: [] } }).catch((error) => {
      console.error(`Could not post in channel ${session.textChannelId}:`, error);
    });
  };
}

/** The words for an event; undefined when it is not worth a message. */
export function eventText(event: SessionEvent): string | undefined {
  switch (event.kind) {
    case "track-started":
      if (!event.announce) return undefined;
      return `Now playing ${trackLabel(event.track)}, requested by <@${event.track.requesterId}>.`;
    case "track-failed":
      return `Skipping **${escapeMarkdown(event.track.title)}**: ${event.reason}`;
    case "resumed":
      return `I'm back: carrying on with ${trackLabel(event.track)} from ${
        formatDuration(event.positionSeconds)
      }.`;
    case "left":
      return event.reason === "alone"
        ? `I left <#${event.channelId}> because nobody was listening. Use /play to call me back.`
        : `I left <#${event.channelId}> because the queue was empty. Use /play to call me back.`;
    default:
      return undefined;
  }
}

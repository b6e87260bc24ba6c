/** Tells a guild's text channel what the music is doing: now playing, failures, the end of the queue. */
import type { RestManager } from "discordeno";
import type { GuildSession } from "../guild/guild_session.ts";
import type { SessionEvent } from "../guild/session_events.ts";
import { escapeMarkdown, formatDuration, trackLabel } from "./format.ts";
import { fitMessage } from "./message_limits.ts";
import { nowPlayingBody } from "./now_playing_message.ts";

/** Sends session events worth a message to the session's text channel; a failed send is logged, never thrown. */
export function createAnnouncer(rest: RestManager): (session: GuildSession, event: SessionEvent) => void {
  return (session, event) => {
    const body = announcement(session, event);
    if (!session.textChannelId || !body) return;
    rest.sendMessage(session.textChannelId, fitMessage(body)).catch((error) => {
      console.error(`Could not post in channel ${session.textChannelId}:`, error);
    });
  };
}

/** A new track gets the now-playing card with its buttons; everything else is a line of text. */
function announcement(session: GuildSession, event: SessionEvent) {
  if (event.kind === "track-started" && event.announce && session.nowPlaying()) {
    return { ...nowPlayingBody(session), content: eventText(event) };
  }
  const content = eventText(event);
  return content ? { content } : undefined;
}

const LEFT_BECAUSE = {
  alone: (channelId: string) => `I left <#${channelId}> because nobody was listening.`,
  idle: (channelId: string) => `I left <#${channelId}> because the queue was empty.`,
  disconnected: (channelId: string) => `I was disconnected from <#${channelId}>.`,
  unreachable: (channelId: string) => `I lost my connection to <#${channelId}> and couldn't get it back.`,
  // The reply to /leave, or to the /play whose join failed or found nothing, already says so.
  asked: undefined,
  "join-failed": undefined,
  "nothing-queued": undefined,
};

/** The words for an event; undefined when it is not worth a message. */
export function eventText(event: SessionEvent): string | undefined {
  switch (event.kind) {
    case "track-started":
      if (!event.announce) return undefined;
      if (event.track.autoplay) {
        return `Now playing ${trackLabel(event.track)}, an autoplay pick. /autoplay off stops them.`;
      }
      return `Now playing ${trackLabel(event.track)}, requested by <@${event.track.requesterId}>.`;
    case "track-failed":
      return `Skipping **${escapeMarkdown(event.track.title)}**: ${event.reason}`;
    case "resumed":
      return `I'm back: carrying on with ${trackLabel(event.track)} from ${
        formatDuration(event.positionSeconds)
      }.`;
    case "left": {
      const because = LEFT_BECAUSE[event.reason];
      return because && `${because(event.channelId)} Use /play to call me back; the queue is kept.`;
    }
    default:
      return undefined;
  }
}

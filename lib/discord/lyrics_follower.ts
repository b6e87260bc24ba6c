/**
 * Makes a now-playing card follow the song's synced lyrics: while it follows, the card is edited to show the
 * line being sung. Discord limits edits (a few per channel every few seconds), so the card is looked at once
 * every EDIT_INTERVAL_MS and edited only when the line changed: at most one edit per 3 s per card. One card
 * per guild follows at a time; it stops when the song changes, playback stops, or an edit fails.
 */
import type { GuildSession } from "../guild/guild_session.ts";
import { lineIndexAt } from "../lyrics/lrc.ts";
import type { LyricLine } from "../lyrics/lyrics.ts";
import type { ReplyBody } from "./interaction_reply.ts";
import { type CardLyrics, nowPlayingBody } from "./now_playing_message.ts";

/** The least time between two edits of one card. */
export const EDIT_INTERVAL_MS = 3_000;

/** A card message. */
export interface CardAddress {
  channelId: string;
  messageId: string;
}

interface Follow {
  card: CardAddress;
  trackId: string;
  lines: readonly LyricLine[];
  index: number;
  timer: ReturnType<typeof setInterval>;
  /** An edit still on its way (Discord may hold it): the next look waits for it. */
  editing: boolean;
}

/** Which cards follow their song's lyrics, and their edits. */
export class LyricsFollower {
  #follows = new Map<string, Follow>();

  constructor(
    private readonly sessionOf: (guildId: string) => GuildSession | undefined,
    private readonly edit: (card: CardAddress, body: ReplyBody) => Promise<unknown>,
    private readonly intervalMs = EDIT_INTERVAL_MS,
  ) {}

  /** Starts following on `card` (the caller shows the first line); another card of the guild stops. */
  start(guildId: string, card: CardAddress, trackId: string, lines: readonly LyricLine[]): CardLyrics {
    this.stop(guildId);
    const index = this.#indexNow(guildId, lines);
    const timer = setInterval(() => void this.#tick(guildId), this.intervalMs);
    this.#follows.set(guildId, { card, trackId, lines, index, timer, editing: false });
    return { lines, index };
  }

  stop(guildId: string): void {
    const follow = this.#follows.get(guildId);
    if (!follow) return;
    clearInterval(follow.timer);
    this.#follows.delete(guildId);
  }

  /** The lyrics `messageId` shows while it follows; undefined when it does not. */
  lyricsOn(guildId: string, messageId: string): CardLyrics | undefined {
    const follow = this.#follows.get(guildId);
    if (follow?.card.messageId !== messageId) return undefined;
    return { lines: follow.lines, index: follow.index };
  }

  /** Stops every follow (shutdown). */
  stopAll(): void {
    for (const guildId of [...this.#follows.keys()]) this.stop(guildId);
  }

  async #tick(guildId: string): Promise<void> {
    const follow = this.#follows.get(guildId);
    const session = this.sessionOf(guildId);
    const playing = session?.nowPlaying();
    if (!follow || follow.editing) return;
    if (!session || !playing || playing.track.id !== follow.trackId) return this.stop(guildId);
    const index = lineIndexAt(follow.lines, playing.positionSeconds);
    if (index === follow.index) return;
    follow.index = index;
    follow.editing = true;
    try {
      await this.edit(follow.card, nowPlayingBody(session, { lines: follow.lines, index }));
      follow.editing = false;
    } catch (error) {
      console.warn(`Guild ${guildId}: the lyrics card could not be edited; it stops following.`, error);
      if (this.#follows.get(guildId) === follow) this.stop(guildId);
    }
  }

  #indexNow(guildId: string, lines: readonly LyricLine[]): number {
    const playing = this.sessionOf(guildId)?.nowPlaying();
    return playing ? lineIndexAt(lines, playing.positionSeconds) : -1;
  }
}

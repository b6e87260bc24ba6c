/**
 * One info line per track start, end and failure, from a guild session's events. A track ends when the
 * next one starts, the session goes idle, or the bot leaves; the line says which.
 */
import type { SessionEvent } from "../guild/session_events.ts";
import type { Track } from "../track.ts";
import type { Logger } from "./logger.ts";

/** Follows what each guild is playing so that its end can be logged. */
export class TrackLog {
  readonly #playing = new Map<string, { track: Track; startedAt: number }>();

  constructor(private readonly log: Logger, private readonly now: () => number = Date.now) {}

  onEvent(guildId: string, event: SessionEvent): void {
    switch (event.kind) {
      case "track-started":
      case "resumed":
        this.#ended(guildId, "next track");
        this.#playing.set(guildId, { track: event.track, startedAt: this.now() });
        this.log.info(event.kind === "resumed" ? "Track resumed" : "Track started", {
          guild: guildId,
          ...trackFields(event.track),
          ...(event.kind === "track-started"
            ? { fromCache: event.fromCache, preparedMs: Math.round(event.preparedInMs) }
            : { position: Math.round(event.positionSeconds) }),
        });
        return;
      case "track-failed":
        if (this.#playing.get(guildId)?.track.id === event.track.id) this.#playing.delete(guildId);
        this.log.info("Track failed", { guild: guildId, ...trackFields(event.track), reason: event.reason });
        return;
      case "idle":
        return this.#ended(guildId, "queue empty");
      case "left":
        return this.#ended(guildId, `left voice (${event.reason})`);
    }
  }

  #ended(guildId: string, then: string): void {
    const playing = this.#playing.get(guildId);
    if (!playing) return;
    this.#playing.delete(guildId);
    const seconds = Math.round((this.now() - playing.startedAt) / 1000);
    this.log.info("Track ended", {
      guild: guildId,
      ...trackFields(playing.track),
      playedSeconds: seconds,
      then,
    });
  }
}

function trackFields(track: Track) {
  return { title: track.title, url: track.url, requester: track.requesterId };
}

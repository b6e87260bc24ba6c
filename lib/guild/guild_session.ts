/**
 * One guild's music: its queue, the order task that starts tracks, and the next-watcher that turns
 * each end of a track into exactly one order for the next. The player only plays what it is handed.
 */
import { Mailbox } from "../mailbox.ts";
import type { LoopMode } from "../state/guild_state.ts";
import type { Track } from "../track.ts";
import type { GuildPlayer, PlayerEvent } from "../voice/guild_player.ts";
import { openOggOpusAt } from "../audio/ogg_seek.ts";
import { FairQueue } from "../queue/fair_queue.ts";
import type { PreparedTrack, TrackPreparer } from "./track_preparer.ts";
import { PrefetchWindow } from "./prefetch_window.ts";
import { QueryTask } from "./query_task.ts";
import { AutoplayFeeder } from "./autoplay_feeder.ts";
import type { WorkerClient } from "../channels/worker_client.ts";
import type { ResolverAnswer, ResolverRequest } from "../channels/resolver_messages.ts";

/** What the session tells the rest of the bot (the channel, the state store, the auto-leave timer). */
export type SessionEvent =
  /** `announce` is false when the requester was just told in the reply to their /play. */
  | { kind: "track-started"; track: Track; announce: boolean }
  | { kind: "track-failed"; track: Track; reason: string }
  /** Nothing is playing and the queue is empty. */
  | { kind: "idle" }
  /** The queue, the settings or the pause state changed: worth saving. */
  | { kind: "changed" }
  /** Playback picked up where it was after a restart. */
  | { kind: "resumed"; track: Track; positionSeconds: number }
  /** The bot left the voice channel by itself. */
  | { kind: "left"; reason: "alone" | "idle" | "disconnected"; channelId: string };

export type { LoopMode };

type Playback =
  | { status: "idle" }
  /** A track was taken from the queue and is being made ready; orders wait behind it. */
  | { status: "starting"; track: Track }
  | { status: "playing"; track: Track; prepared: PreparedTrack };

/** The order task's mail: start the next track, announcing it unless the requester was just told. */
type Order = { kind: "next"; announce: boolean };

/** What is playing, for /nowplaying and for saving. */
export interface NowPlaying {
  track: Track;
  positionSeconds: number;
  durationSeconds?: number;
  paused: boolean;
}

/** Owns one guild's queue and playback. */
export class GuildSession {
  queue = new FairQueue();
  readonly queries: QueryTask;
  /** Where notices go: the text channel of the latest /play. */
  textChannelId?: string;
  loop: LoopMode = "off";
  readonly autoplay: AutoplayFeeder;
  #playback: Playback = { status: "idle" };
  #window: PrefetchWindow;
  #orders = new Mailbox<Order>();
  /** Set when the bot left voice: the end of the current track then orders nothing. */
  #halted = false;
  /** A track to continue from a position before anything else (after a restart). */
  #resume?: { track: Track; positionSeconds: number };
  #done: Promise<void>;

  constructor(
    readonly guildId: string,
    readonly player: GuildPlayer,
    private readonly preparer: TrackPreparer,
    private readonly emit: (event: SessionEvent) => void,
    private readonly prefetch: number,
    resolver: WorkerClient<ResolverRequest, ResolverAnswer>,
  ) {
    this.queries = new QueryTask(resolver, (tracks, options) => this.enqueue(tracks, options));
    this.autoplay = new AutoplayFeeder(async (videoId) => {
      const answer = await resolver.request({ kind: "radio", videoId }, { timeoutMs: 60_000 });
      return answer.outcome === "tracks" ? answer.tracks : [];
    });
    this.#window = new PrefetchWindow(
      preparer,
      (track, reason) => emit({ kind: "track-failed", track, reason }),
    );
    this.#done = this.#runOrders();
  }

  /** The track playing or being started, if any. */
  get current(): Track | undefined {
    return this.#playback.status === "idle" ? undefined : this.#playback.track;
  }

  get status(): Playback["status"] {
    return this.#playback.status;
  }

  /** The playing track and where it is; undefined while nothing plays. */
  nowPlaying(): NowPlaying | undefined {
    const playback = this.#playback;
    if (playback.status !== "playing") return undefined;
    return {
      track: playback.track,
      positionSeconds: this.player.positionSeconds(),
      durationSeconds: playback.prepared.durationSeconds ?? playback.track.durationSeconds,
      paused: this.player.status === "paused",
    };
  }

  /** Adds tracks; starts playing if nothing is. Returns each track's 1-based queue position. */
  enqueue(tracks: Track[], options: { next?: boolean } = {}): number[] {
    this.#halted = false;
    const positions = this.queue.enqueueMany(tracks, options);
    this.changed();
    if (this.#playback.status === "idle") this.#orders.send({ kind: "next", announce: false });
    return positions;
  }

  /** Continues `track` from `positionSeconds` before the queue (a restart picks up where it was). */
  resumeFrom(track: Track, positionSeconds: number): void {
    this.#resume = { track, positionSeconds };
    if (this.#playback.status === "idle") this.#orders.send({ kind: "next", announce: false });
  }

  /** Ends the current track early; the next one follows as if it had finished. */
  skip(): boolean {
    if (this.#playback.status === "starting") {
      // Still being made ready: it must not start once it is; the next track is ordered now instead.
      this.#playback = { status: "idle" };
      this.#orders.send({ kind: "next", announce: true });
      return true;
    }
    if (this.#playback.status !== "playing") return false;
    this.player.stop();
    return true;
  }

  /** Empties the queue and stops playback. */
  stop(): void {
    this.queue.clear();
    // A track still being made ready must not start once it is.
    if (this.#playback.status === "starting") this.#playback = { status: "idle" };
    this.changed();
    this.player.stop();
  }

  pause(): boolean {
    return this.#afterChange(this.player.pause());
  }

  resume(): boolean {
    return this.#afterChange(this.player.resume());
  }

  /** Jumps within the playing track, straight from the cached file; false when nothing plays. */
  seek(positionSeconds: number): boolean {
    const playback = this.#playback;
    if (playback.status !== "playing") return false;
    const paused = this.player.status === "paused";
    this.#play(playback.track, playback.prepared, positionSeconds);
    if (paused) this.player.pause();
    return this.#afterChange(true);
  }

  /** Call after changing the queue or settings from outside, so the change is saved and the window kept. */
  changed(): void {
    const starting = this.#playback.status === "starting" ? [this.#playback.track] : [];
    this.#window.keepOnly([...starting, ...this.queue.peek(this.prefetch)]);
    this.emit({ kind: "changed" });
  }

  /** The next-watcher: one order per end of the current track, whatever the reason it ended. */
  onPlayerEvent(event: PlayerEvent): void {
    const playback = this.#playback;
    if (playback.status !== "playing" || playback.track.id !== event.trackId) return;
    if (event.type === "finished" && this.loop === "track") {
      return this.#play(playback.track, playback.prepared, 0);
    }
    this.preparer.unpin(playback.prepared.cacheKey);
    this.#playback = { status: "idle" };
    if (event.type === "failed") {
      console.error(`Guild ${this.guildId}: playback of ${playback.track.url} failed:`, event.error);
      this.emit({ kind: "track-failed", track: playback.track, reason: "Playback failed." });
    }
    if (event.type !== "stopped" && this.loop === "queue") this.#requeue(playback.track);
    if (this.#halted) return this.emit({ kind: "idle" });
    this.#orders.send({ kind: "next", announce: true });
  }

  /** Leaves voice, keeping the queue for whoever asks for music next; the current track ends. */
  leave(): void {
    this.#halted = true;
    if (this.#playback.status === "starting") this.#playback = { status: "idle" };
    this.player.disconnect();
  }

  /** Stops taking orders and leaves voice. */
  async close(): Promise<void> {
    this.queries.close();
    this.#orders.close();
    this.player.disconnect();
    await this.#done;
  }

  async #runOrders(): Promise<void> {
    for await (const order of this.#orders) {
      if (this.#playback.status !== "idle") continue;
      // A bug while starting one track must not end the order task, or the queue would stall for good.
      await this.#startNext(order.announce).catch((error) => {
        console.error(`Guild ${this.guildId}: starting the next track failed:`, error);
        this.#playback = { status: "idle" };
      });
    }
  }

  /** Takes the next track and plays it; a track that cannot be made is passed over. */
  async #startNext(announce: boolean): Promise<void> {
    const resume = this.#resume;
    this.#resume = undefined;
    const track = resume?.track ?? this.queue.takeNext() ?? await this.#autoplayNow();
    if (!track) {
      this.changed();
      return this.emit({ kind: "idle" });
    }
    this.#playback = { status: "starting", track };
    this.changed();
    const prepared = await this.#window.preparationOf(track);
    this.#window.take(track.id);
    if (this.#playback.status !== "starting" || this.#playback.track !== track) {
      if (prepared) this.preparer.unpin(prepared.cacheKey);
      return;
    }
    if (!prepared) {
      this.#playback = { status: "idle" };
      return this.#orders.send({ kind: "next", announce });
    }
    this.#play(track, prepared, resume?.positionSeconds ?? 0);
    this.autoplay.remember(track);
    this.emit({ kind: "track-started", track, announce: announce || track.autoplay === true });
    this.topUpAutoplay();
  }

  /**
   * With autoplay on and nothing queued, queues a pick in the autoplay lane, where it is prepared ahead
   * (no gap) and shown in /queue, and where any person's request still goes before it.
   */
  topUpAutoplay(): void {
    if (!this.autoplay.enabled || this.queue.length > 0 || !this.player.channelId) return;
    this.autoplay.pick()
      .then((track) => {
        if (track && this.autoplay.enabled && this.queue.length === 0) this.enqueue([track]);
      })
      .catch((error) => console.error(`Guild ${this.guildId}: autoplay failed:`, error));
  }

  /** The queue ran dry before a pick was queued: wait for the pick that tops it up. */
  async #autoplayNow(): Promise<Track | undefined> {
    this.topUpAutoplay();
    await this.autoplay.pick().catch(() => undefined);
    return this.queue.takeNext();
  }

  #play(track: Track, prepared: PreparedTrack, startSeconds: number): void {
    this.#playback = { status: "playing", track, prepared };
    const open = () => openOggOpusAt(prepared.path, startSeconds);
    this.player.play({ trackId: track.id, open, startSeconds });
  }

  /** Queue loop: a finished track goes to the back, as a new request by the same person. */
  #requeue(track: Track): void {
    this.queue.enqueue({ ...track, id: crypto.randomUUID(), requestedAt: Date.now() });
  }

  #afterChange(changed: boolean): boolean {
    if (changed) this.emit({ kind: "changed" });
    return changed;
  }
}

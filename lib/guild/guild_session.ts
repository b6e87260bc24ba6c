/**
 * One guild's music: its queue, the order task that starts tracks, and the next-watcher that turns
 * each end of a track into exactly one order for the next. The player only plays what it is handed.
 */
import { createReadStream } from "node:fs";
import { Mailbox } from "../mailbox.ts";
import type { Track } from "../track.ts";
import { UserError, userMessageOf } from "../user_error.ts";
import type { GuildPlayer, PlayerEvent } from "../voice/guild_player.ts";
import type { PreparedTrack, TrackPreparer } from "./track_preparer.ts";
import { FairQueue } from "../queue/fair_queue.ts";
import { QueryTask } from "./query_task.ts";
import type { WorkerClient } from "../channels/worker_client.ts";
import type { ResolverAnswer, ResolverRequest } from "../channels/resolver_messages.ts";

/** Something worth telling the guild's text channel. */
export type SessionNotice =
  | { kind: "now-playing"; track: Track }
  | { kind: "track-failed"; track: Track; reason: string }
  | { kind: "queue-finished" };

type Playback =
  | { status: "idle" }
  /** A track was taken from the queue and is being made ready; orders wait behind it. */
  | { status: "starting"; track: Track }
  | { status: "playing"; track: Track; prepared: PreparedTrack };

/** The order task's mail: start the next track, announcing it unless the requester was just told. */
type Order = { kind: "next"; announce: boolean };

/** Owns one guild's queue and playback. */
export class GuildSession {
  readonly queue = new FairQueue();
  readonly queries: QueryTask;
  /** Where notices go: the text channel of the latest /play. */
  textChannelId?: string;
  #playback: Playback = { status: "idle" };
  #window = new Map<string, Promise<PreparedTrack | undefined>>();
  #orders = new Mailbox<Order>();
  #done: Promise<void>;

  constructor(
    readonly guildId: string,
    readonly player: GuildPlayer,
    private readonly preparer: TrackPreparer,
    private readonly notify: (notice: SessionNotice) => void,
    private readonly prefetch: number,
    resolver: WorkerClient<ResolverRequest, ResolverAnswer>,
  ) {
    this.queries = new QueryTask(resolver, (tracks, options) => this.enqueue(tracks, options));
    this.#done = this.#runOrders();
  }

  /** The track playing or being started, if any. */
  get current(): Track | undefined {
    return this.#playback.status === "idle" ? undefined : this.#playback.track;
  }

  get status(): Playback["status"] {
    return this.#playback.status;
  }

  /** Adds tracks; starts playing if nothing is. Returns each track's 1-based queue position. */
  enqueue(tracks: Track[], options: { next?: boolean } = {}): number[] {
    const positions = this.queue.enqueueMany(tracks, options);
    if (this.#playback.status === "idle") this.#orders.send({ kind: "next", announce: false });
    else this.#prefetchUpcoming();
    return positions;
  }

  /** Ends the current track early; the next one follows as if it had finished. */
  skip(): boolean {
    if (this.#playback.status !== "playing") return false;
    this.player.stop();
    return true;
  }

  /** Empties the queue and stops playback. */
  stop(): void {
    this.queue.clear();
    this.#prefetchUpcoming();
    this.player.stop();
  }

  /** The next-watcher: one order per end of the current track, whatever the reason it ended. */
  onPlayerEvent(event: PlayerEvent): void {
    const playback = this.#playback;
    if (playback.status !== "playing" || playback.track.id !== event.trackId) return;
    this.preparer.unpin(playback.prepared.cacheKey);
    this.#playback = { status: "idle" };
    if (event.type === "failed") {
      console.error(`Guild ${this.guildId}: playback of ${playback.track.url} failed:`, event.error);
      this.notify({ kind: "track-failed", track: playback.track, reason: "Playback failed." });
    }
    this.#orders.send({ kind: "next", announce: true });
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
      if (this.#playback.status === "idle") await this.#startNext(order.announce);
    }
  }

  /** Takes the next track and plays it; a track that cannot be made is reported and passed over. */
  async #startNext(announce: boolean): Promise<void> {
    const track = this.queue.takeNext();
    if (!track) {
      this.#prefetchUpcoming();
      return this.notify({ kind: "queue-finished" });
    }
    this.#playback = { status: "starting", track };
    const prepared = await this.#preparationOf(track);
    this.#window.delete(track.id);
    if (!prepared) {
      this.#playback = { status: "idle" };
      this.#orders.send({ kind: "next", announce });
      return;
    }
    this.#playback = { status: "playing", track, prepared };
    this.player.play({ trackId: track.id, open: () => createReadStream(prepared.path), startSeconds: 0 });
    if (announce) this.notify({ kind: "now-playing", track });
    this.#prefetchUpcoming();
  }

  #preparationOf(track: Track): Promise<PreparedTrack | undefined> {
    const pending = this.#window.get(track.id) ?? this.#prepare(track);
    this.#window.set(track.id, pending);
    return pending;
  }

  /** Never rejects: a failure is told to the channel once, and the track counts as unplayable. */
  async #prepare(track: Track): Promise<PreparedTrack | undefined> {
    try {
      const prepared = await this.preparer.prepare(track);
      this.preparer.pin(prepared.cacheKey);
      return prepared;
    } catch (error) {
      if (!(error instanceof UserError)) console.error(`Preparing ${track.url}:`, error);
      this.notify({ kind: "track-failed", track, reason: userMessageOf(error) });
      return undefined;
    }
  }

  /** Keeps the next few tracks prepared, and lets go of tracks that left the window. */
  #prefetchUpcoming(): void {
    const upcoming = this.queue.peek(this.prefetch);
    const wanted = new Set(upcoming.map((track) => track.id));
    for (const [trackId, pending] of this.#window) {
      if (wanted.has(trackId) || trackId === this.current?.id) continue;
      this.#window.delete(trackId);
      pending.then((prepared) => prepared && this.preparer.unpin(prepared.cacheKey));
    }
    for (const track of upcoming) this.#preparationOf(track);
  }
}

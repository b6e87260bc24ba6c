/**
 * One guild's music, owned in one place: the queue, the settings, and playback. Commands call its intent
 * methods (play, skip, stop, seek...); nothing outside reaches into its queue or its output. Its playback is
 * one union of states, changed only in `#setState`, which cancels and releases what the old state held and
 * tells listeners; saving, announcing and auto-leave follow from the events it emits.
 */
import type { Clock } from "../clock.ts";
import { type AudioEffects, type AudioFilters, isNeutral, NO_EFFECTS, tempoOf } from "../audio_effects.ts";
import { FairQueue } from "../queue/fair_queue.ts";
import type { QueueMode } from "../queue/queue_entry.ts";
import type { QueueSortKey } from "../queue/queue_ordering.ts";
import type { GuildState, LoopMode, Playback } from "../state/guild_state.ts";
import type { SkipSegment } from "../skip_segments.ts";
import type { Track, TrackInfo } from "../track.ts";
import { UserError, userMessageOf } from "../user_error.ts";
import type { AudioOutput, OutputEvent, OutputListener, VoiceLoss } from "./audio_output.ts";
import { AutoplayFeeder } from "./autoplay_feeder.ts";
import { cancelPreparation, type PreparedTrack, type Preparer } from "./preparation.ts";
import { PrefetchWindow } from "./prefetch_window.ts";
import { type QueryJob, type QueryResult, QueryTask, type Queued } from "./query_task.ts";
import { type QueueCaps, queueRoom } from "../limits/queue_limits.ts";
import type { LeftReason, SessionEvent } from "./session_events.ts";
import type { Resolver } from "./resolver_port.ts";
import type { Resume, SessionState, SessionStatus } from "./session_state.ts";
import { type SkipTally, SkipVotes } from "./skip_votes.ts";
import { type JoinOutcome, type Presence, VoicePresence } from "./voice_presence.ts";

export type { LoopMode };

/** The parts of the queue that callers may read; changes go through the session. */
export type QueueView = Pick<
  FairQueue,
  "length" | "mode" | "list" | "peek" | "schedule" | "expectedStartSeconds" | "snapshot"
>;

/** What is playing, for /nowplaying and for saving. */
export interface NowPlaying {
  track: Track;
  positionSeconds: number;
  durationSeconds?: number;
  paused: boolean;
  /** Non-music parts that are jumped over (SponsorBlock), in the file's time. */
  skipSegments?: readonly SkipSegment[];
  /** A live stream: no length, no seeking. */
  live?: boolean;
}

/** Saved music to bring back, with the plays that seed autoplay. */
export interface SavedMusic extends GuildState {
  recent: TrackInfo[];
}

/** Times one track is picked up again where it stalled or broke before it is skipped. */
export const MAX_RECOVERIES = 3;

/** What a session is built from. */
export interface SessionParts {
  guildId: string;
  /** Builds the voice output, which reports to `listener`. */
  createOutput(listener: OutputListener): AudioOutput;
  preparer: Preparer;
  resolver: Resolver;
  emit(event: SessionEvent): void;
  /** How many upcoming tracks are prepared ahead. */
  prefetch: number;
  /** How many tracks may wait, in all and per person. */
  queueCaps: QueueCaps;
  clock: Clock;
}

/** Owns one guild's queue, settings and playback. */
export class GuildSession {
  readonly guildId: string;
  #state: SessionState = { status: "idle" };
  #queue = new FairQueue();
  #loop: LoopMode = "off";
  /** 24/7: auto-leave holds off, and a restart rejoins the channel even with nothing playing. */
  #stay = false;
  /** Volume and filters: settings of the guild, applied to every play by `#load`. */
  #effects: AudioEffects = NO_EFFECTS;
  #textChannelId?: string;
  readonly #output: AudioOutput;
  readonly #voice: VoicePresence;
  readonly #window: PrefetchWindow;
  readonly #queries: QueryTask;
  readonly #autoplay: AutoplayFeeder;
  readonly #votes = new SkipVotes();
  #plays = 0;

  constructor(private readonly parts: SessionParts) {
    this.guildId = parts.guildId;
    this.#output = parts.createOutput({
      onEvent: (event) => this.#onOutputEvent(event),
      onLost: (reason, channelId) => this.#onVoiceLost(reason, channelId),
    });
    this.#voice = new VoicePresence(this.#output, (presence) => this.#onPresence(presence));
    this.#window = new PrefetchWindow(parts.preparer, parts.clock, (track, error) => {
      this.#queue.removeWhere((queued) => queued.id === track.id);
      this.#reportFailure(track, error);
      this.#changed();
    });
    this.#queries = new QueryTask(
      parts.resolver,
      (tracks, options) => Promise.resolve(this.#enqueue(tracks, options)),
      undefined,
      parts.guildId,
    );
    this.#autoplay = new AutoplayFeeder(async (videoId) => {
      const answer = await parts.resolver.radio(videoId);
      return answer.outcome === "tracks" ? answer.tracks : [];
    });
  }

  // ---- What callers may read ----

  get status(): SessionStatus {
    return this.#state.status;
  }

  /** The track playing or being prepared. */
  get current(): Track | undefined {
    return trackOf(this.#state);
  }

  get queue(): QueueView {
    return this.#queue;
  }

  get loop(): LoopMode {
    return this.#loop;
  }

  get effects(): AudioEffects {
    return this.#effects;
  }

  get autoplay(): boolean {
    return this.#autoplay.enabled;
  }

  get stay(): boolean {
    return this.#stay;
  }

  /** The voice channel the bot is in or joining. */
  get channelId(): string | undefined {
    return this.#voice.channelId;
  }

  /** Out of voice, joining a channel, or in one. */
  get voiceStatus(): Presence["status"] {
    return this.#voice.status;
  }

  /** Where notices go: the text channel of the latest /play. */
  get textChannelId(): string | undefined {
    return this.#textChannelId;
  }

  /** The playing track and where it is; undefined while nothing plays. */
  nowPlaying(): NowPlaying | undefined {
    const state = this.#state;
    if (state.status !== "playing") return undefined;
    return {
      track: state.track,
      positionSeconds: this.#positionOf(state),
      durationSeconds: state.prepared.durationSeconds ?? state.track.durationSeconds,
      paused: state.paused,
      skipSegments: state.prepared.skipSegments ?? state.track.skipSegments,
      ...(state.prepared.live ? { live: true } : {}),
    };
  }

  /** What a restart needs to carry on: the track playing, being prepared, or waiting to resume. */
  savedPlayback(): Omit<Playback, "savedAt"> | null {
    const state = this.#state;
    const voiceChannelId = this.#voice.channelId;
    const textChannelId = this.#textChannelId;
    if (state.status === "idle" && state.resume) {
      const { track, positionSeconds, paused } = state.resume;
      return { track, positionSeconds, paused, voiceChannelId: state.resume.voiceChannelId, textChannelId };
    }
    if (!voiceChannelId || (state.status !== "preparing" && state.status !== "playing")) return null;
    const positionSeconds = state.status === "playing" ? this.#positionOf(state) : state.positionSeconds;
    return { track: state.track, positionSeconds, paused: state.paused, voiceChannelId, textChannelId };
  }

  // ---- Intents ----

  /** The channel the bot is busy in, when it is not `channelId`: a /play from elsewhere must not pull it away. */
  busyElsewhere(channelId: string): string | undefined {
    const here = this.#voice.channelId;
    const busy = this.#voice.status === "joining" || this.#state.status === "preparing" ||
      this.#state.status === "playing";
    return here && here !== channelId && busy ? here : undefined;
  }

  /**
   * Joins `voiceChannelId` while resolving `job.query`, and queues what it names; playback starts once the
   * bot is in voice. A request that fails changes nothing: its tracks leave the queue again, and a bot that
   * came out of nowhere for it alone leaves again — never while other requests are pending, something is
   * queued, or it was already in the channel.
   */
  async play(
    job: QueryJob,
    where: { voiceChannelId: string; textChannelId?: string },
  ): Promise<QueryResult> {
    if (where.textChannelId) this.#textChannelId = where.textChannelId;
    const cameFromOut = this.#voice.status === "out";
    const [joined, queued] = await Promise.allSettled([
      this.join(where.voiceChannelId),
      this.#queries.submit(job),
    ]);
    if (joined.status === "rejected") {
      if (queued.status === "fulfilled") this.#unqueue(queued.value.tracks);
      throw joined.reason;
    }
    if (queued.status === "rejected") {
      if (cameFromOut && this.#queries.pending === 0 && !this.#hasMusic()) this.#leave("nothing-queued");
      throw queued.reason;
    }
    return queued.value;
  }

  /** Joins `channelId` (a UserError when busy elsewhere, refused, or given up), then starts what waits. */
  async join(channelId: string): Promise<void> {
    const elsewhere = this.busyElsewhere(channelId);
    if (elsewhere) {
      throw new UserError(`I'm already playing in <#${elsewhere}>; join that channel to add songs.`);
    }
    const joining = this.#voice.join(channelId);
    const result: JoinOutcome = await joining;
    if (result.outcome === "in") return;
    if (result.outcome === "given-up") {
      throw new UserError("I left that voice channel before I was in it. Use /play again to call me back.");
    }
    console.error(`Guild ${this.guildId}: joining voice channel ${channelId}:`, result.error);
    // Every waiter of this join hears the failure; the first takes the bot out, through the one leave path.
    if (this.#voice.isJoining(joining)) this.#leave("join-failed");
    throw new UserError("I couldn't join your voice channel. Check that I may connect and speak there.");
  }

  /** Ends the current track (or its preparation) early; the next one follows. */
  skip(): boolean {
    if (this.#state.status !== "preparing" && this.#state.status !== "playing") return false;
    this.#advance(true);
    return true;
  }

  /** Casts a vote to skip the current track; skips it when the vote passes. */
  voteSkip(userId: string, listenerIds: readonly string[]): SkipTally | undefined {
    const track = this.current;
    if (!track) return undefined;
    const tally = this.#votes.vote(track.id, userId, listenerIds);
    if (tally.passed) this.skip();
    return tally;
  }

  /** Empties the queue and stops playback; autoplay waits for the next /play. */
  stop(): void {
    this.#queue.clear();
    this.#autoplay.cancelPending();
    this.#setState({ status: "idle" });
    this.parts.emit({ kind: "idle" });
  }

  /** Removes the track at 1-based `position`. */
  remove(position: number): Track | undefined {
    return this.#thenChanged(this.#queue.remove(position));
  }

  move(from: number, to: number): Track | undefined {
    return this.#thenChanged(this.#queue.move(from, to));
  }

  shuffle(): void {
    this.#queue.shuffle();
    this.#changed();
  }

  sort(key: QueueSortKey): void {
    this.#queue.sort(key);
    this.#changed();
  }

  /** Removes everyone's tracks, or only `requesterId`'s; returns what was removed. */
  clear(requesterId?: string): Track[] {
    return this.#thenChanged(this.#queue.clear(requesterId));
  }

  setLoop(mode: LoopMode): void {
    this.#loop = mode;
    this.#changed();
  }

  setMode(mode: QueueMode): void {
    this.#queue.setMode(mode);
    this.#changed();
  }

  setAutoplay(enabled: boolean): void {
    this.#autoplay.enabled = enabled;
    if (!enabled) {
      this.#autoplay.cancelPending();
      this.#queue.removeWhere((track) => track.autoplay === true);
    }
    this.#changed();
    this.#topUpAutoplay();
  }

  setStay(on: boolean): void {
    this.#stay = on;
    this.#changed();
  }

  /** Sets the volume in percent (0–200); heard at once, from where the track is. */
  setVolume(volume: number): void {
    this.#setEffects({ ...this.#effects, volume });
  }

  /** Sets the filters; heard at once, from where the track is (the same place in the song at any speed). */
  setFilters(filters: AudioFilters): void {
    this.#setEffects({ ...this.#effects, filters });
  }

  /** Jumps within the current track; a paused track stays paused. False when nothing plays. */
  seek(positionSeconds: number): boolean {
    const state = this.#state;
    if (state.status === "preparing") {
      this.#setState({ ...state, positionSeconds });
      return true;
    }
    if (state.status !== "playing" || state.prepared.live) return false;
    if (state.paused) this.#setState({ ...state, playId: undefined, positionSeconds });
    else this.#load(state.track, state.prepared, positionSeconds, state.recoveries);
    return true;
  }

  pause(): boolean {
    const state = this.#state;
    if (state.status === "preparing" && !state.paused) {
      this.#setState({ ...state, paused: true });
      return true;
    }
    if (state.status !== "playing" || state.paused) return false;
    if (!this.#output.pause()) return false;
    this.#setState({ ...state, paused: true });
    return true;
  }

  resume(): boolean {
    const state = this.#state;
    if (state.status === "preparing" && state.paused) {
      this.#setState({ ...state, paused: false });
      return true;
    }
    if (state.status !== "playing" || !state.paused) return false;
    if (state.playId === undefined) {
      this.#load(state.track, state.prepared, state.positionSeconds, state.recoveries);
      return true;
    }
    if (!this.#output.resume()) return false;
    this.#setState({ ...state, paused: false });
    return true;
  }

  /** Leaves voice, or gives up a join; the queue, and the track that was playing, wait for the next /play. */
  leave(reason: "alone" | "idle" | "asked" = "asked"): void {
    this.#leave(reason);
  }

  /**
   * Brings back saved music; the saved track waits in `idle.resume` until `continuePlayback` or the next
   * /play. GuildSessions hands a session out only once this settled, so no intent can be overwritten by it.
   */
  async restore(loading: Promise<SavedMusic | undefined>): Promise<void> {
    try {
      const saved = await loading;
      if (saved) this.#applySaved(saved);
    } catch (error) {
      console.error(`Guild ${this.guildId}: restoring:`, error);
    }
  }

  /** After a restart: rejoins the saved channel and carries on from the saved position. */
  async continuePlayback(): Promise<Resume | undefined> {
    const state = this.#state;
    if (state.status !== "idle" || !state.resume) return undefined;
    const resume = state.resume;
    await this.join(resume.voiceChannelId);
    return resume;
  }

  /** Stops everything for good (shutdown, or a guild forgotten after a long idle). */
  close(): void {
    this.#queries.close();
    this.#window.clear();
    this.#setState({ status: "closed" });
    this.#voice.leave();
  }

  // ---- Transitions ----

  /** New effects: saved, and the playing track carries on with them from where it is. */
  #setEffects(effects: AudioEffects): void {
    this.#effects = effects;
    const state = this.#state;
    if (state.status === "playing" && state.playId !== undefined) {
      const positionSeconds = this.#positionOf(state);
      // A loaded play that is paused is let go; resuming loads it with the new effects.
      if (state.paused) return this.#setState({ ...state, playId: undefined, positionSeconds });
      // A live stream opened again starts where the station is now: there is nothing of it to skip.
      return this.#load(state.track, state.prepared, positionSeconds, state.recoveries, !state.prepared.live);
    }
    this.#changed();
  }

  /** The one place the state changes: cleans up what `next` no longer holds, then tells listeners. */
  #setState(next: SessionState): void {
    const previous = this.#state;
    if (previous.status === "closed") return;
    this.#state = next;
    if (previous.status === "preparing" && !(next.status === "preparing" && next.job === previous.job)) {
      // Taken over by the play it made, or given up: only the latter cancels it.
      if (next.status !== "playing" || next.track !== previous.track) cancelPreparation(previous.job);
    }
    if (previous.status === "playing") {
      const keepsPlay = next.status === "playing" && next.playId !== undefined;
      // A play that `next` does not hold is stopped; a new one replaces it by itself.
      if (previous.playId !== undefined && !keepsPlay) this.#output.stop();
      const keepsFile = next.status === "playing" && next.prepared === previous.prepared;
      if (!keepsFile) previous.prepared.release();
    }
    if (trackOf(previous)?.id !== trackOf(next)?.id) this.#votes.reset();
    this.#changed();
  }

  /** Queue or settings changed: keep the right tracks prepared and let listeners save. */
  #changed(): void {
    const state = this.#state;
    if (state.status === "closed") return;
    // Prepared while the join is still under way too: the first track need not wait for the voice server.
    const connected = this.#voice.status !== "out";
    this.#window.keepOnly(connected ? this.#queue.peek(this.parts.prefetch) : []);
    this.parts.emit({ kind: "changed" });
  }

  /** In a voice channel, not still joining it: only then does a track start. */
  #inVoice(): boolean {
    return this.#voice.isIn;
  }

  /** Something plays, is being prepared, waits to resume, or is queued. */
  #hasMusic(): boolean {
    const state = this.#state;
    return state.status === "preparing" || state.status === "playing" ||
      (state.status === "idle" && state.resume !== undefined) || this.#queue.length > 0;
  }

  /**
   * The one leave path: keeps where the current track was, takes the bot out of voice (or gives up the
   * join), and says what it left and why.
   */
  #leave(reason: LeftReason): void {
    const channelId = this.#voice.channelId;
    if (!channelId) return;
    this.#setState({ status: "idle", resume: this.#resumePoint(channelId) });
    this.#votes.reset();
    this.#voice.leave();
    this.parts.emit({ kind: "left", reason, channelId });
  }

  /** The bot is now in voice: what waits starts; any other change only moves the prefetch window. */
  #onPresence(presence: Presence): void {
    if (presence.status === "in" && this.#startIfIdle(false)) return;
    this.#changed();
  }

  /** Takes the tracks of a request that failed back out of the queue. */
  #unqueue(tracks: readonly Track[]): void {
    const ids = new Set(tracks.map((track) => track.id));
    this.#queue.removeWhere((track) => ids.has(track.id));
    this.#changed();
  }

  #thenChanged<T>(result: T): T {
    this.#changed();
    return result;
  }

  /** Queues what fits under the caps; the note says what did not. */
  #enqueue(requested: Track[], options: { next?: boolean }): Queued {
    if (this.#state.status === "closed") throw new UserError("I'm shutting down; try again in a moment.");
    const requesterId = requested[0]?.requesterId;
    if (requested.some((track) => !track.autoplay)) this.#autoplay.wake();
    const room = queueRoom({
      guildQueued: this.#queue.length,
      userQueued: this.#queue.list().filter((track) => track.requesterId === requesterId).length,
      adding: requested.length,
    }, this.parts.queueCaps);
    if (room.fits === 0 && requested.length > 0) throw new UserError(room.message!);
    const tracks = requested.slice(0, room.fits);
    const positions = this.#queue.enqueueMany(tracks, options);
    // Started before the window is refreshed, so a track about to play is never prefetched as "later".
    if (!this.#startIfIdle(false)) this.#changed();
    return { tracks, positions, note: room.message };
  }

  /** Starts the saved track or the next one if nothing plays and the bot is in voice; true if it did. */
  #startIfIdle(announce: boolean): boolean {
    const state = this.#state;
    if (state.status !== "idle" || !this.#inVoice()) return false;
    if (state.resume) {
      const { track, positionSeconds, paused } = state.resume;
      this.#prepare(track, { positionSeconds, paused, announce: true, resumed: true, recoveries: 0 });
      return true;
    }
    const next = this.#queue.takeNext();
    if (next) {
      this.#prepare(next, { positionSeconds: 0, paused: false, announce, resumed: false, recoveries: 0 });
    }
    return next !== undefined;
  }

  /** Moves on to the next track (or to idle), whatever happened to the current one. */
  #advance(announce: boolean): void {
    const next = this.#inVoice() ? this.#queue.takeNext() : undefined;
    if (next) {
      return this.#prepare(next, {
        positionSeconds: 0,
        paused: false,
        announce,
        resumed: false,
        recoveries: 0,
      });
    }
    this.#setState({ status: "idle" });
    this.parts.emit({ kind: "idle" });
    this.#topUpAutoplay();
  }

  #prepare(
    track: Track,
    start: {
      positionSeconds: number;
      paused: boolean;
      announce: boolean;
      resumed: boolean;
      recoveries: number;
    },
  ): void {
    const job = this.#window.take(track);
    this.#setState({ status: "preparing", track, job, ...start, since: this.parts.clock.now() });
    job.result.then(
      (prepared) => this.#prepared(job, prepared),
      (error) => {
        const state = this.#state;
        if (state.status !== "preparing" || state.job !== job) return;
        this.#reportFailure(track, error);
        this.#advance(true);
      },
    );
  }

  /** The track being prepared is ready: it starts (or waits paused). */
  #prepared(job: PreparedJob, prepared: PreparedTrack): void {
    const state = this.#state;
    if (state.status !== "preparing" || state.job !== job) return;
    const { track, positionSeconds, paused, announce, resumed, since, recoveries } = state;
    if (paused) {
      this.#setState({
        status: "playing",
        track,
        prepared,
        playId: undefined,
        positionSeconds,
        paused,
        recoveries,
      });
    } else {
      this.#load(track, prepared, positionSeconds, recoveries);
    }
    // A track made again after its stream broke carries on quietly: it already started once.
    if (recoveries > 0) return;
    this.#autoplay.remember(track);
    if (resumed) this.parts.emit({ kind: "resumed", track, positionSeconds });
    this.parts.emit({
      kind: "track-started",
      track,
      announce: !resumed && (announce || track.autoplay === true),
      preparedInMs: this.parts.clock.now() - since,
      fromCache: prepared.fromCache,
    });
    this.#topUpAutoplay();
  }

  /**
   * Hands the output a new play of `track` from `positionSeconds`, with the guild's effects: the prepared
   * file as it is when there are none, a render of it otherwise. `follows`: it carries on the same audio.
   */
  #load(
    track: Track,
    prepared: PreparedTrack,
    positionSeconds: number,
    recoveries: number,
    follows = false,
  ): void {
    const playId = `${track.id}#${++this.#plays}`;
    this.#setState({
      status: "playing",
      track,
      prepared,
      playId,
      positionSeconds,
      paused: false,
      recoveries,
    });
    const effects = this.#effects;
    this.#output.play({
      trackId: playId,
      open: () =>
        isNeutral(effects) ? prepared.open(positionSeconds) : prepared.open(positionSeconds, effects),
      startSeconds: positionSeconds,
      // A live stream comes as fast as it is sent, whatever the filters (see live_encode.ts).
      tempo: prepared.live ? 1 : tempoOf(effects.filters),
      follows,
    });
  }

  /**
   * The next-watcher: each end of the current play leads to exactly one next step, and only a play heard to
   * its end moves the queue on.
   */
  #onOutputEvent(event: OutputEvent): void {
    const state = this.#state;
    if (state.status !== "playing" || state.playId !== event.trackId) return;
    switch (event.type) {
      case "stopped":
      case "replaced":
        // Asked for by this session, which has already chosen what comes next.
        return;
      case "starved":
      case "failed":
        return this.#recover(state, event);
      case "ended":
        if (this.#loop === "track") return this.#load(state.track, state.prepared, 0, 0);
        // A live stream that ended is not queued again: it would only play whatever the station sends next.
        if (this.#loop === "queue" && !state.prepared.live) {
          this.#queue.enqueue({
            ...state.track,
            id: crypto.randomUUID(),
            requestedAt: this.parts.clock.now(),
          });
        }
        return this.#advance(true);
    }
  }

  /**
   * Picks a play that stalled or broke up where it was: a starved one from its file again (the reader waits
   * for data), a broken one made anew. After MAX_RECOVERIES the track is skipped, saying why.
   */
  #recover(
    state: Extract<SessionState, { status: "playing" }>,
    event: Extract<OutputEvent, { type: "starved" | "failed" }>,
  ): void {
    const { track } = state;
    if (event.type === "failed") {
      console.error(`Guild ${this.guildId}: playback of ${track.url} failed:`, event.error);
    }
    if (state.recoveries >= MAX_RECOVERIES) {
      const reason = event.type === "starved"
        ? "its audio stopped arriving."
        : "its audio kept breaking off.";
      this.parts.emit({ kind: "track-failed", track, reason: `I couldn't keep it playing: ${reason}` });
      return this.#advance(true);
    }
    const { positionSeconds } = event;
    const recoveries = state.recoveries + 1;
    if (event.type === "starved") return this.#load(track, state.prepared, positionSeconds, recoveries);
    this.#prepare(track, { positionSeconds, paused: false, announce: false, resumed: false, recoveries });
  }

  /** Voice is gone for good: keep the queue and the track, and say what happened. */
  #onVoiceLost(reason: VoiceLoss, channelId: string): void {
    if (this.#voice.channelId === channelId) this.#leave(reason);
  }

  /** Where the current track is, to carry on with it later. */
  #resumePoint(voiceChannelId: string): Resume | undefined {
    const state = this.#state;
    if (state.status === "idle") return state.resume;
    if (state.status === "closed") return undefined;
    const positionSeconds = state.status === "playing" ? this.#positionOf(state) : state.positionSeconds;
    return { track: state.track, positionSeconds, paused: state.paused, voiceChannelId };
  }

  #positionOf(state: Extract<SessionState, { status: "playing" }>): number {
    return state.playId === undefined ? state.positionSeconds : this.#output.positionSeconds();
  }

  #applySaved(saved: SavedMusic): void {
    if (saved.queue) {
      // Anything queued while the saved queue was read goes after it, as later requests.
      const waiting = this.#queue.list();
      this.#queue = FairQueue.fromSnapshot(saved.queue);
      this.#queue.enqueueMany(waiting);
    }
    this.#queue.setMode(saved.settings.mode);
    this.#loop = saved.settings.loop;
    this.#autoplay.enabled = saved.settings.autoplay;
    this.#stay = saved.settings.stay;
    this.#effects = { volume: saved.settings.volume, filters: saved.settings.filters };
    this.#autoplay.recent = saved.recent;
    const state = this.#state;
    if (saved.playback && state.status === "idle" && !state.resume) {
      const { track, positionSeconds, paused, voiceChannelId } = saved.playback;
      if (saved.playback.textChannelId) this.#textChannelId ??= saved.playback.textChannelId;
      this.#setState({ status: "idle", resume: { track, positionSeconds, paused, voiceChannelId } });
    } else {
      this.#changed();
    }
  }

  /**
   * With autoplay on and nothing queued, queues a pick in the autoplay lane, where it is prepared ahead
   * (no gap) and where any person's request still goes before it.
   */
  #topUpAutoplay(): void {
    if (!this.#autoplay.enabled || this.#queue.length > 0 || !this.#inVoice()) return;
    this.#autoplay.pick()
      .then((track) => {
        if (track && this.#autoplay.enabled && this.#queue.length === 0) this.#enqueue([track], {});
      })
      .catch((error) => console.error(`Guild ${this.guildId}: autoplay failed:`, error));
  }

  #reportFailure(track: Track, error: unknown): void {
    // A pick that cannot be made is never picked again, and a run of them rests autoplay.
    if (track.autoplay) this.#autoplay.failed(track);
    if (!(error instanceof UserError)) console.error(`Guild ${this.guildId}: preparing ${track.url}:`, error);
    this.parts.emit({ kind: "track-failed", track, reason: failureText(error) });
  }
}

function trackOf(state: SessionState): Track | undefined {
  return state.status === "preparing" || state.status === "playing" ? state.track : undefined;
}

type PreparedJob = Extract<SessionState, { status: "preparing" }>["job"];

function failureText(error: unknown): string {
  if (error instanceof UserError) return userMessageOf(error);
  return "I couldn't get it ready after several tries.";
}

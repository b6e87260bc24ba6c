/**
 * Plays prepared Ogg Opus files into one guild's voice channel: the engine's AudioOutput on
 * @discordjs/voice. It never parses URLs or runs ffmpeg: it is given a stream and a position, and reports
 * how each play came to an end (ended, starved, stopped, replaced or failed). Plays that follow each other
 * feed one endless resource (packet_feed.ts), so a next track, a seek or a filter change swaps its source
 * at a packet boundary instead of switching resources.
 */
import {
  type AudioPlayer,
  AudioPlayerStatus,
  createAudioPlayer,
  createAudioResource,
  entersState,
  joinVoiceChannel,
  NoSubscriberBehavior,
  StreamType,
  type VoiceConnection,
  VoiceConnectionStatus,
} from "@discordjs/voice";
import type { Readable } from "node:stream";
import type { AudioOutput, OutputEvent } from "../guild/audio_output.ts";
import type { GatewayVoiceAdapters } from "./gateway_voice_adapter.ts";
import { keepConnectionAlive, type LostReason } from "./connection_keeper.ts";
import { E2EE_WAIT_MS, E2eeGate, type E2eeState, e2eeState } from "./e2ee_ready.ts";
import { type FeedEnd, FRAME_SECONDS, PacketFeed } from "./packet_feed.ts";
import { PacketSource } from "./packet_source.ts";

/** A track ready to be heard: its id, and a stream of Ogg Opus starting at `startSeconds`. */
export interface PlayableTrack {
  trackId: string;
  open: () => Readable;
  startSeconds: number;
  /** Song seconds per second heard (a speed filter); 1 when unset. */
  tempo?: number;
  /** Carries on the audio that plays now (a volume or filter change): nothing is heard twice. */
  follows?: boolean;
}

type PlayerState =
  | { status: "idle" }
  | { status: "playing" | "paused"; track: PlayableTrack; feed: PacketFeed; key: number };

const READY_TIMEOUT_MS = 20_000;
/**
 * 20 ms frames with nothing to send while a track's stream is open, before the play is reported as starved
 * (the engine then reopens it where it stalled).
 */
export const MAX_MISSED_FRAMES = 250;
/**
 * How long the stream stays up after a stop, waiting for the next play: the next track, already prepared,
 * follows within a microtask and keeps the same stream, so no frame is lost at the seam.
 */
const LINGER_MS = 15;
const FRAME_MS = 20;

/** One guild's voice connection and audio player. */
export class GuildPlayer implements AudioOutput {
  #state: PlayerState = { status: "idle" };
  #connection?: VoiceConnection;
  /** Lets the player's audio reach the connection only once it would be end-to-end encrypted. */
  #gate?: E2eeGate;
  readonly #audio: AudioPlayer;
  /** The endless stream the audio player reads, while one is up. */
  #feed?: PacketFeed;
  #linger?: ReturnType<typeof setTimeout>;
  /** The current play has nothing to send although it is open: the audio player is paused, sending nothing. */
  #stalled = false;
  /** Counts a stall towards starved while the audio player reads no frames. */
  #starveTimer?: ReturnType<typeof setTimeout>;

  constructor(
    readonly guildId: string,
    private readonly adapters: GatewayVoiceAdapters,
    private readonly onEvent: (event: OutputEvent) => void,
    /** The voice connection was lost for good (kicked, or unreachable after retries). */
    private readonly onLost: (reason: LostReason, channelId: string) => void,
  ) {
    this.#audio = createAudioPlayer({
      behaviors: {
        noSubscriber: NoSubscriberBehavior.Pause,
        // The feed counts missed frames itself and reports starved; its stream never ends on its own.
        maxMissedFrames: Infinity,
      },
    });
    this.#audio.on("stateChange", (before, after) => {
      // The stream went away under the player (destroyed, or broken): whatever played is over.
      if (before.status !== AudioPlayerStatus.Idle && after.status === AudioPlayerStatus.Idle) {
        this.#streamGone(before.resource.playStream as PacketFeed);
      }
      // A pause asked for before the player could send (see `pause`) takes hold before its first frame.
      if (after.status === AudioPlayerStatus.Playing && this.#state.status === "paused") {
        this.#audio.pause(true);
      }
    });
    this.#audio.on("error", (error) => this.#failed(error));
  }

  get status(): PlayerState["status"] {
    return this.#state.status;
  }

  get channelId(): string | undefined {
    return this.#connection?.joinConfig.channelId ?? undefined;
  }

  /** Joins (or moves to) a voice channel and waits until audio can flow, or until `signal` gives it up. */
  async connect(channelId: string, signal: AbortSignal): Promise<void> {
    const wait = AbortSignal.any([signal, AbortSignal.timeout(READY_TIMEOUT_MS)]);
    if (this.#connection && this.channelId === channelId) {
      await entersState(this.#connection, VoiceConnectionStatus.Ready, wait);
      return;
    }
    this.#gate?.stop();
    this.#connection?.destroy();
    const connection = joinVoiceChannel({
      guildId: this.guildId,
      channelId,
      selfDeaf: true,
      adapterCreator: this.adapters.creatorFor(this.guildId),
    });
    this.#connection = connection;
    keepConnectionAlive(connection, (reason) => {
      if (this.#connection !== connection) return;
      this.#connection = undefined;
      this.onLost(reason, channelId);
    });
    this.#gate = new E2eeGate(connection, this.#audio, () => {
      console.warn(
        `Voice in guild ${this.guildId}: not end-to-end encrypted after ${E2EE_WAIT_MS} ms; playing.`,
      );
    });
    try {
      await entersState(connection, VoiceConnectionStatus.Ready, wait);
    } catch (error) {
      // Only the connection this join made is closed: a later join may already have replaced it.
      if (this.#connection === connection) this.disconnect();
      signal.throwIfAborted();
      throw new Error(`Could not connect to voice channel ${channelId}`, { cause: error });
    }
  }

  /**
   * Starts `track` at once; a play that was going on is reported as replaced. The new play feeds the same
   * stream: the old audio is heard until the new one's first packets are ready, then it takes over.
   */
  play(track: PlayableTrack): void {
    const previous = this.currentTrackId();
    // Told before the new play starts, so a listener never takes the old play's end for the new one's.
    this.#state = { status: "idle" };
    if (previous !== undefined) this.onEvent({ type: "replaced", trackId: previous });
    clearTimeout(this.#linger);
    this.#endStall();
    const feed = this.#liveFeed() ?? this.#startFeed();
    const key = feed.play({
      source: new PacketSource(track.open()),
      secondsPerPacket: FRAME_SECONDS * (track.tempo ?? 1),
      follows: track.follows === true,
    });
    this.#state = { status: "playing", track, feed, key };
    if (this.#audio.state.status === AudioPlayerStatus.Paused) this.#audio.unpause();
  }

  /**
   * Pauses the current track. Before its first frame is read, or while the wait for end-to-end encryption
   * keeps the player unsubscribed (it pauses itself then), @discordjs/voice has nothing to pause yet; the
   * pause is kept and applied the moment the player would start sending.
   */
  pause(): boolean {
    if (this.#state.status !== "playing") return false;
    if (this.#stalled) {
      // Already silent; the wait for data no longer counts towards starved while paused.
      clearTimeout(this.#starveTimer);
      this.#state = { ...this.#state, status: "paused" };
      return true;
    }
    const waiting = this.#audio.state.status === AudioPlayerStatus.Buffering ||
      this.#audio.state.status === AudioPlayerStatus.AutoPaused;
    if (!waiting && !this.#audio.pause(true)) return false;
    this.#state = { ...this.#state, status: "paused" };
    return true;
  }

  resume(): boolean {
    const paused = this.#state;
    if (paused.status !== "paused") return false;
    // Playing first, so the state change that unpausing causes is not taken for a pause still to apply.
    this.#state = { ...paused, status: "playing" };
    // Still waiting for data: the player stays silent until it comes, or the play starves.
    if (this.#stalled) return this.#armStarveTimer(), true;
    if (this.#audio.state.status === AudioPlayerStatus.Paused && !this.#audio.unpause()) {
      this.#state = paused;
      return false;
    }
    return true;
  }

  /** Ends the current track early; it is reported as stopped, not finished. */
  stop(): void {
    const state = this.#state;
    if (state.status === "idle") return;
    this.#state = { status: "idle" };
    state.feed.clear();
    this.#endStall();
    this.#lingerThenClose();
    this.onEvent({ type: "stopped", trackId: state.track.trackId });
  }

  /** Seconds into the current track, counting the position it was started at (song time, at any speed). */
  positionSeconds(): number {
    const state = this.#state;
    if (state.status === "idle") return 0;
    return state.track.startSeconds + state.feed.playedSeconds();
  }

  currentTrackId(): string | undefined {
    return this.#state.status === "idle" ? undefined : this.#state.track.trackId;
  }

  /** The call's voice privacy code (what listeners compare with their client), if it is end-to-end encrypted. */
  voicePrivacyCode(): string | undefined {
    if (!this.#connection || e2eeState(this.#connection) !== "encrypted") return undefined;
    return this.#connection.voicePrivacyCode || undefined;
  }

  /** Where the call's end-to-end encryption stands. */
  e2ee(): E2eeState {
    return this.#connection ? e2eeState(this.#connection) : "offline";
  }

  /** Leaves the voice channel; the current track is stopped. */
  disconnect(): void {
    this.stop();
    clearTimeout(this.#linger);
    this.#closeFeed();
    this.#gate?.stop();
    this.#gate = undefined;
    this.#connection?.destroy();
    this.#connection = undefined;
  }

  /** The stream is kept a moment for a next play; without one it goes, and nothing more is sent. */
  #lingerThenClose(): void {
    clearTimeout(this.#linger);
    this.#linger = setTimeout(() => {
      if (this.#state.status === "idle") this.#closeFeed();
    }, LINGER_MS);
  }

  /** The feed still read by the audio player, if there is one. */
  #liveFeed(): PacketFeed | undefined {
    const feed = this.#feed;
    const audio = this.#audio.state;
    if (!feed || feed.destroyed || audio.status === AudioPlayerStatus.Idle) return undefined;
    return audio.resource.playStream === feed ? feed : undefined;
  }

  #startFeed(): PacketFeed {
    this.#closeFeed();
    const feed: PacketFeed = new PacketFeed({
      maxMissedFrames: MAX_MISSED_FRAMES,
      onEnd: (key, end) => this.#feedEnded(feed, key, end),
      onStall: (stalled) => {
        if (this.#feed !== feed) return;
        if (stalled) this.#stall();
        else this.#unstall();
      },
    });
    this.#feed = feed;
    const resource = createAudioResource(feed, {
      inputType: StreamType.Opus,
      // The stream never ends; plays follow each other inside it.
      silencePaddingFrames: 0,
    });
    this.#audio.play(resource);
    return feed;
  }

  #closeFeed(): void {
    const feed = this.#feed;
    this.#feed = undefined;
    if (!feed) return;
    if (
      this.#audio.state.status !== AudioPlayerStatus.Idle && this.#audio.state.resource.playStream === feed
    ) {
      this.#audio.stop(true);
    }
    feed.destroy();
  }

  /** Nothing to send while the play is open: the audio player pauses (no silent frames go out). */
  #stall(): void {
    this.#stalled = true;
    if (this.#audio.state.status === AudioPlayerStatus.Playing) this.#audio.pause(false);
    if (this.#state.status === "playing") this.#armStarveTimer();
  }

  /** Data (or the play's end) came: the audio player reads again, unless the play was paused meanwhile. */
  #unstall(): void {
    this.#endStall();
    if (this.#state.status === "playing" && this.#audio.state.status === AudioPlayerStatus.Paused) {
      this.#audio.unpause();
    }
  }

  #endStall(): void {
    this.#stalled = false;
    clearTimeout(this.#starveTimer);
  }

  /** The frames the feed would have counted: a stall this long while playing is starved. */
  #armStarveTimer(): void {
    clearTimeout(this.#starveTimer);
    this.#starveTimer = setTimeout(() => {
      const state = this.#state;
      if (!this.#stalled || state.status !== "playing") return;
      const positionSeconds = this.positionSeconds();
      this.#state = { status: "idle" };
      state.feed.clear();
      this.#endStall();
      this.#lingerThenClose();
      this.onEvent({ type: "starved", trackId: state.track.trackId, positionSeconds });
    }, MAX_MISSED_FRAMES * FRAME_MS);
  }

  /** The current play ended by itself: its stream ran out, starved, or broke. */
  #feedEnded(feed: PacketFeed, key: number, end: FeedEnd): void {
    const state = this.#state;
    if (state.status === "idle" || state.feed !== feed || state.key !== key) return;
    const positionSeconds = this.positionSeconds();
    const { trackId } = state.track;
    this.#state = { status: "idle" };
    this.#endStall();
    this.#lingerThenClose();
    if (end.type === "ended") return this.onEvent({ type: "ended", trackId });
    if (end.type === "starved") return this.onEvent({ type: "starved", trackId, positionSeconds });
    this.onEvent({ type: "failed", trackId, error: end.error, positionSeconds });
  }

  /** The audio player let go of a stream: if it held the current play, that play broke off. */
  #streamGone(stream: PacketFeed): void {
    if (this.#feed === stream) this.#feed = undefined;
    const state = this.#state;
    if (state.status === "idle" || state.feed !== stream) return;
    this.#failed(new Error("The voice stream closed"));
  }

  #failed(error: Error): void {
    const state = this.#state;
    if (state.status === "idle") return;
    const positionSeconds = this.positionSeconds();
    this.#state = { status: "idle" };
    state.feed.clear();
    this.#endStall();
    this.#lingerThenClose();
    this.onEvent({ type: "failed", trackId: state.track.trackId, error, positionSeconds });
  }
}

/**
 * Plays prepared Ogg Opus files into one guild's voice channel: the engine's AudioOutput on
 * @discordjs/voice. It never parses URLs or runs ffmpeg: it is given a stream and a position, and reports
 * how each play came to an end (ended, starved, stopped, replaced or failed).
 */
import {
  type AudioPlayer,
  AudioPlayerStatus,
  type AudioResource,
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

/** A track ready to be heard: its id, and a stream of Ogg Opus starting at `startSeconds`. */
export interface PlayableTrack {
  trackId: string;
  open: () => Readable;
  startSeconds: number;
}

type PlayerState =
  | { status: "idle" }
  | { status: "playing" | "paused"; track: PlayableTrack; resource: AudioResource<string> };

const READY_TIMEOUT_MS = 20_000;
/**
 * 20 ms frames of silence sent while a track's stream has nothing ready, before the play is reported as
 * starved (the engine then reopens it where it stalled).
 */
const MAX_MISSED_FRAMES = 250;

/** One guild's voice connection and audio player. */
export class GuildPlayer implements AudioOutput {
  #state: PlayerState = { status: "idle" };
  #connection?: VoiceConnection;
  /** Lets the player's audio reach the connection only once it would be end-to-end encrypted. */
  #gate?: E2eeGate;
  readonly #audio: AudioPlayer;

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
        // A track still being written can fall behind for a moment on a busy machine; the default (5 frames,
        // 100 ms) would give it up there. Its end is the end of its stream, so waiting longer costs nothing.
        maxMissedFrames: MAX_MISSED_FRAMES,
      },
    });
    this.#audio.on("stateChange", (before, after) => {
      if (before.status !== AudioPlayerStatus.Idle && after.status === AudioPlayerStatus.Idle) this.#ended();
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

  /** Starts `track` at once; a play that was going on is reported as replaced. */
  play(track: PlayableTrack): void {
    const previous = this.currentTrackId();
    // Told before the new play starts, so a listener never takes the old play's end for the new one's.
    this.#state = { status: "idle" };
    if (previous !== undefined) this.onEvent({ type: "replaced", trackId: previous });
    const resource = createAudioResource(track.open(), {
      inputType: StreamType.OggOpus,
      metadata: track.trackId,
      // The next track follows straight away; padding would only widen the gap between them.
      silencePaddingFrames: 0,
    });
    this.#state = { status: "playing", track, resource };
    this.#audio.play(resource);
  }

  /**
   * Pauses the current track. Before its first frame is read, or while the wait for end-to-end encryption
   * keeps the player unsubscribed (it pauses itself then), @discordjs/voice has nothing to pause yet; the
   * pause is kept and applied the moment the player would start sending.
   */
  pause(): boolean {
    if (this.#state.status !== "playing") return false;
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
    this.#audio.stop(true);
    this.onEvent({ type: "stopped", trackId: state.track.trackId });
  }

  /** Seconds into the current track, counting the position it was started at. */
  positionSeconds(): number {
    const state = this.#state;
    if (state.status === "idle") return 0;
    return state.track.startSeconds + state.resource.playbackDuration / 1000;
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
    this.#gate?.stop();
    this.#gate = undefined;
    this.#connection?.destroy();
    this.#connection = undefined;
  }

  /**
   * The audio player went idle on its own: the stream ran out (ended), or it gave nothing for
   * MAX_MISSED_FRAMES frames while still open (starved; the stream is closed here, to be reopened).
   */
  #ended(): void {
    const state = this.#state;
    if (state.status === "idle") return;
    const positionSeconds = this.positionSeconds();
    this.#state = { status: "idle" };
    const { trackId } = state.track;
    if (state.resource.ended) return this.onEvent({ type: "ended", trackId });
    state.resource.playStream.destroy();
    this.onEvent({ type: "starved", trackId, positionSeconds });
  }

  #failed(error: Error): void {
    const state = this.#state;
    if (state.status === "idle") return;
    const positionSeconds = this.positionSeconds();
    this.#state = { status: "idle" };
    this.onEvent({ type: "failed", trackId: state.track.trackId, error, positionSeconds });
  }
}

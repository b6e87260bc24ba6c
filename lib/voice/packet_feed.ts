/**
 * One endless stream of Opus packets for @discordjs/voice, fed from the current source one packet per 20 ms
 * frame. A new play does not replace the stream (switching resources costs about one frame beyond the
 * 20 ms each time): it becomes the source behind it, and takes over at a packet boundary once its first
 * packets are ready, so the old audio plays on meanwhile. A play that carries on the same audio (a volume or
 * filter change) skips what the old one played meanwhile, so nothing is heard twice.
 *
 * The audio player reads exactly one packet per frame (`read`), so frames are counted here: packets sent
 * give the position, and frames with nothing to send while the source is open are counted towards starved.
 */
import { Readable } from "node:stream";
import type { PacketSource } from "./packet_source.ts";

/** Song seconds in one 20 ms Opus frame at normal speed. */
export const FRAME_SECONDS = 0.02;

/** How a play in the feed came to an end (the feed never reports stopped or replaced: its owner does). */
export type FeedEnd =
  | { type: "ended" }
  | { type: "starved" }
  | { type: "failed"; error: Error };

/** A play for the feed: a source, how much song time each of its packets holds, and whether it carries on. */
export interface FeedPlay {
  source: PacketSource;
  /** Song seconds per packet: 0.02 at normal speed, more when sped up. */
  secondsPerPacket: number;
  /** Carries on the audio that plays now: skips what that plays until this one takes over. */
  follows: boolean;
}

interface Slot extends FeedPlay {
  key: number;
  sent: number;
  skipped: number;
  missed: number;
}

/** The endless stream of packets, and the plays that feed it. */
export class PacketFeed extends Readable {
  /** What is heard now. */
  #current?: Slot;
  /** The play that takes over as soon as its first packets are ready. */
  #next?: Slot;
  /** Song seconds the current play sent since `#next` was given. */
  #overlapSeconds = 0;
  #keys = 0;
  #started = false;
  /** A frame went without a packet while the play is still open; told to `onStall` once per stall. */
  #stalled = false;

  constructor(
    private readonly options: {
      /** Frames with nothing to send, while the source is still open, before its play is starved. */
      maxMissedFrames: number;
      /** Called (after the frame in which it happened) when the latest play ended by itself. */
      onEnd(key: number, end: FeedEnd): void;
      /**
       * A frame had nothing to send while the play is still open (true), or packets (or its end) came
       * since (false): the owner stops the audio player meanwhile, so nothing at all is sent, and counts
       * the stall towards starved itself, as a paused player reads no frames.
       */
      onStall?(stalled: boolean): void;
    },
  ) {
    super({ objectMode: true, read() {} });
  }

  /** Gives the feed a new play; its key names it in `onEnd`. A play not yet taken over is dropped. */
  play(play: FeedPlay): number {
    const dropped = this.#next;
    dropped?.source.close();
    // It carries on what is heard only if the play it drops did too: after a seek not yet heard, the old
    // audio is not the new play's. Its start already counts what was heard until now.
    const follows = play.follows && (!dropped || dropped.follows);
    const slot: Slot = { ...play, follows, key: ++this.#keys, sent: 0, skipped: 0, missed: 0 };
    this.#overlapSeconds = 0;
    this.#next = slot;
    this.#stalled = false;
    play.source.onChange = () => {
      this.#announceStart();
      this.#unstall();
    };
    this.#announceStart();
    return slot.key;
  }

  /** Drops every play: the feed sends nothing until the next. */
  clear(): void {
    this.#current?.source.close();
    this.#next?.source.close();
    this.#current = this.#next = undefined;
    this.#stalled = false;
  }

  /** Song seconds of the latest play heard (or skipped as already heard) so far. */
  playedSeconds(): number {
    const next = this.#next;
    if (next) return next.follows ? this.#overlapSeconds : 0;
    const current = this.#current;
    return current ? (current.sent + current.skipped) * current.secondsPerPacket : 0;
  }

  /** One frame: the next packet to send, or null for none (the audio player then sends a silent frame). */
  override read(): Uint8Array | null {
    if (this.destroyed) return null;
    this.#handOver();
    const current = this.#current;
    if (!current) return null;
    const packet = current.source.take();
    if (packet) {
      current.sent++;
      current.missed = 0;
      if (this.#next) this.#overlapSeconds += current.secondsPerPacket;
      // Told at once, so the next play has a whole frame to get its first packets ready.
      if (current.source.exhausted) this.#finish(current);
      return packet;
    }
    if (current.source.exhausted) {
      this.#finish(current);
    } else if (++current.missed >= this.options.maxMissedFrames) {
      this.#end(current, { type: "starved" });
    } else {
      this.#stall();
    }
    return null;
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.clear();
    callback(error);
  }

  /** The next play takes over once it can send its first packet, or at once if nothing else is heard. */
  #handOver(): void {
    const next = this.#next;
    if (!next) return;
    if (next.source.exhausted && next.source.status === "failed") {
      this.#next = undefined;
      return this.#report(next, { type: "failed", error: next.source.error! });
    }
    const skip = next.follows ? Math.round(this.#overlapSeconds / next.secondsPerPacket) : 0;
    const silent = !this.#current || this.#current.source.exhausted;
    const ready = next.source.buffered > skip || (silent && next.source.buffered > 0) ||
      next.source.exhausted;
    if (!ready) {
      // Nothing is heard while it gets ready: those frames count towards its starving.
      if (silent && ++next.missed >= this.options.maxMissedFrames) {
        this.#next = undefined;
        this.#current?.source.close();
        this.#current = undefined;
        next.source.close();
        this.#report(next, { type: "starved" });
      } else if (silent) {
        this.#stall();
      }
      return;
    }
    this.#current?.source.close();
    next.skipped = next.source.drop(skip);
    next.missed = 0;
    this.#current = next;
    this.#next = undefined;
  }

  #finish(slot: Slot): void {
    const error = slot.source.error;
    this.#end(slot, error ? { type: "failed", error } : { type: "ended" });
  }

  #end(slot: Slot, end: FeedEnd): void {
    slot.source.close();
    if (this.#current === slot) this.#current = undefined;
    // A play already replaced by a newer one is its owner's to report, not the feed's.
    if (!this.#next) this.#report(slot, end);
  }

  #report(slot: Slot, end: FeedEnd): void {
    queueMicrotask(() => this.options.onEnd(slot.key, end));
  }

  #stall(): void {
    if (this.#stalled) return;
    this.#stalled = true;
    this.options.onStall?.(true);
  }

  /** Something came for a stalled play: the player may read again (a packet, or the play's end). */
  #unstall(): void {
    if (!this.#stalled) return;
    const sources = [this.#next?.source, this.#current?.source];
    if (!sources.some((source) => source && (source.buffered > 0 || source.status !== "open"))) return;
    this.#stalled = false;
    this.options.onStall?.(false);
  }

  /** The audio player starts reading once the stream says it is readable: when the first audio is ready. */
  #announceStart(): void {
    if (this.#started) return;
    const next = this.#next;
    if (!next || (next.source.buffered === 0 && !next.source.exhausted)) return;
    this.#started = true;
    this.emit("readable");
  }
}

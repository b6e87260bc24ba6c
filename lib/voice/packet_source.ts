/**
 * One source of Opus packets for the packet feed: an Ogg Opus stream demuxed (by prism-media's OggDemuxer,
 * the demuxer @discordjs/voice itself uses for Ogg) into a small buffer the feed takes one packet from per
 * 20 ms frame. Reading ahead is bounded: the demuxer is paused while the buffer is full.
 */
import type { Readable } from "node:stream";
import prism from "prism-media";

/** Packets read ahead of the feed: two seconds. */
const HIGH_WATER_PACKETS = 100;
const LOW_WATER_PACKETS = 50;

/** Where a source stands: reading, out of packets for good, or broken. */
export type SourceStatus =
  | { status: "open" }
  | { status: "done" }
  | { status: "failed"; error: Error };

/** A stream of Opus packets made from a stream of Ogg Opus. */
export class PacketSource {
  #packets: Uint8Array[] = [];
  #state: SourceStatus = { status: "open" };
  readonly #input: Readable;
  readonly #demuxer: prism.opus.OggDemuxer;
  /** Tells the feed that packets (or the end) arrived: a source waiting to take over may be ready. */
  onChange?: () => void;

  constructor(input: Readable) {
    this.#input = input;
    this.#demuxer = new prism.opus.OggDemuxer();
    this.#demuxer.on("data", (packet: Uint8Array) => {
      this.#packets.push(packet);
      if (this.#packets.length >= HIGH_WATER_PACKETS) this.#demuxer.pause();
      this.onChange?.();
    });
    this.#demuxer.once("end", () => this.#settle({ status: "done" }));
    const fail = (error: Error) => this.#settle({ status: "failed", error });
    this.#demuxer.once("error", fail);
    input.once("error", fail);
    input.pipe(this.#demuxer);
  }

  get status(): SourceStatus["status"] {
    return this.#state.status;
  }

  get error(): Error | undefined {
    return this.#state.status === "failed" ? this.#state.error : undefined;
  }

  /** Packets ready now. */
  get buffered(): number {
    return this.#packets.length;
  }

  /** The next packet, if one is ready. */
  take(): Uint8Array | undefined {
    const packet = this.#packets.shift();
    if (this.#packets.length <= LOW_WATER_PACKETS && this.#demuxer.isPaused()) this.#demuxer.resume();
    return packet;
  }

  /** Drops up to `count` packets; how many it dropped. */
  drop(count: number): number {
    const dropped = Math.min(count, this.#packets.length);
    for (let i = 0; i < dropped; i++) this.take();
    return dropped;
  }

  /** No packet ready, and none will come. */
  get exhausted(): boolean {
    return this.#packets.length === 0 && this.#state.status !== "open";
  }

  /** Stops reading and lets go of the input. */
  close(): void {
    this.#packets = [];
    if (this.#state.status === "open") this.#state = { status: "done" };
    this.#input.unpipe(this.#demuxer);
    this.#input.destroy();
    this.#demuxer.destroy();
  }

  #settle(next: SourceStatus): void {
    if (this.#state.status !== "open") return;
    this.#state = next;
    this.onChange?.();
  }
}

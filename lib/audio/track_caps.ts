/**
 * The operator's caps on what one ordinary track may cost (TRAZOM_MAX_TRACK_MINUTES, TRAZOM_MAX_SOURCE_MB,
 * TRAZOM_MIN_FREE_DISK), and the polite refusals that name them. Live streams are not held to the first two:
 * they are never downloaded or cached.
 */
import { UserError } from "../user_error.ts";
import { freeDiskBytes } from "./free_disk.ts";

/** What one ordinary (not live) track may cost. */
export interface TrackCaps {
  /** The longest track queued or prepared, seconds. */
  readonly maxTrackSeconds: number;
  /** The largest source downloaded, bytes, counted while it arrives. */
  readonly maxSourceBytes: number;
  /** New downloads stop while the cache folder's disk has less free space than this, bytes. */
  readonly minFreeDiskBytes: number;
}

/** Caps for callers that set none (tests of other parts): three hours, 1024 MB, no disk floor. */
export const DEFAULT_TRACK_CAPS: TrackCaps = Object.freeze({
  maxTrackSeconds: 180 * 60,
  maxSourceBytes: 1024e6,
  minFreeDiskBytes: 0,
});

/** Refuses a track longer than the cap; an unknown length passes (it is checked again once known). */
export function assertLengthAllowed(durationSeconds: number | undefined, caps: TrackCaps): void {
  if (durationSeconds === undefined || durationSeconds <= caps.maxTrackSeconds) return;
  throw new UserError(
    `That track is ${hoursAndMinutes(durationSeconds)} long; the longest I play is ${capMinutes(caps)}.`,
  );
}

/** Whether a track of that length may be queued. */
export function lengthAllowed(durationSeconds: number | undefined, caps: TrackCaps): boolean {
  return durationSeconds === undefined || durationSeconds <= caps.maxTrackSeconds;
}

/** The refusal for a download that grew past the byte cap. */
export function tooLargeError(caps: TrackCaps): UserError {
  return new UserError(`That file is too large for me to play (over ${megabytes(caps.maxSourceBytes)}).`);
}

/** Refuses to start (or go on with) a download while the disk of `dir` is below its free-space floor. */
export function assertDiskRoom(dir: string, caps: TrackCaps): void {
  if (caps.minFreeDiskBytes <= 0) return;
  const free = freeDiskBytes(dir);
  if (free === undefined || free >= caps.minFreeDiskBytes) return;
  console.error(
    `The disk of "${dir}" has ${megabytes(free)} free, under TRAZOM_MIN_FREE_DISK ` +
      `(${megabytes(caps.minFreeDiskBytes)}): new downloads are refused until there is more room.`,
  );
  throw new UserError(
    "My disk is almost full, so I can't download new tracks right now; tracks already cached still play.",
  );
}

/** Counts a download's bytes as they arrive; throws once the cap is passed or the disk floor is reached. */
export class DownloadMeter {
  #bytes = 0;
  #checkedDiskAt = 0;

  constructor(private readonly dir: string, private readonly caps: TrackCaps) {}

  get bytes(): number {
    return this.#bytes;
  }

  /** Refuses at once a download whose announced size is over the cap. */
  announced(bytes: number): void {
    if (bytes > this.caps.maxSourceBytes) throw tooLargeError(this.caps);
  }

  /** Sets the total so far (for a file another program writes). */
  total(bytes: number): void {
    this.add(bytes - this.#bytes);
  }

  add(bytes: number): void {
    this.#bytes += bytes;
    if (this.#bytes > this.caps.maxSourceBytes) throw tooLargeError(this.caps);
    // The disk is looked at every few megabytes, not on every chunk.
    if (this.#bytes - this.#checkedDiskAt >= DISK_CHECK_BYTES) {
      this.#checkedDiskAt = this.#bytes;
      assertDiskRoom(this.dir, this.caps);
    }
  }
}

const DISK_CHECK_BYTES = 4 * 1024 * 1024;

/** The length cap as said to a user: "180 minutes", "1 minute". */
export function capMinutes(caps: TrackCaps): string {
  const minutes = Math.round(caps.maxTrackSeconds / 60);
  return `${minutes} minute${minutes === 1 ? "" : "s"}`;
}

function megabytes(bytes: number): string {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(1)} GB`;
  return bytes >= 1e6 ? `${Math.round(bytes / 1e6)} MB` : `${Math.round(bytes / 1e3)} KB`;
}

function hoursAndMinutes(seconds: number): string {
  const minutes = Math.round(seconds / 60);
  const hours = Math.floor(minutes / 60);
  if (hours === 0) return `${minutes} minute${minutes === 1 ? "" : "s"}`;
  return minutes % 60 === 0 ? `${hours} hour${hours === 1 ? "" : "s"}` : `${hours} h ${minutes % 60} min`;
}

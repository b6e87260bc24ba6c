/** Names cached files by what they contain: the source and the loudness settings it was made with. */
import { createHash } from "node:crypto";
import type { LoudnessTarget } from "../audio/loudnorm.ts";

/** Bumped when the encoding changes, so files made the old way are not mistaken for new ones. */
const ENCODING_VERSION = "opus128-v1";

/** What every key {@linkcode cacheKeyFor} makes looks like; other names in the folder are not the cache's. */
export const CACHE_KEY_PATTERN = /^[0-9a-f]{32}$/;

/** A file-name-safe key for a source normalized to `target`. */
export function cacheKeyFor(sourceKey: string, target: LoudnessTarget): string {
  const settings = `I=${target.integrated}:LRA=${target.range}:TP=${target.truePeak}:${ENCODING_VERSION}`;
  return createHash("sha256").update(`${sourceKey}|${settings}`).digest("hex").slice(0, 32);
}

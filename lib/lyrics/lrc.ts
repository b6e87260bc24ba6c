/**
 * LRC, the format of synced lyrics: `[mm:ss.xx] words`, a line may carry several time tags, and tags like
 * `[ar: ...]` are metadata. Only timed lines are kept, in time order, within the bounds of lyrics.ts.
 */
import { boundedLine, type LyricLine, MAX_LINES } from "./lyrics.ts";

const TIME_TAG = /\[(\d{1,3}):(\d{1,2}(?:[.:]\d{1,3})?)\]/g;
/** Lines of a file past this are not read at all, whatever their tags. */
const MAX_INPUT_LINES = 2_000;

/** The timed lines of LRC text, sorted by time; empty when none is timed. */
export function parseLrc(text: string): LyricLine[] {
  const lines: LyricLine[] = [];
  for (const raw of text.split(/\r\n?|\n/).slice(0, MAX_INPUT_LINES)) {
    const tags = [...raw.matchAll(TIME_TAG)];
    if (tags.length === 0) continue;
    const words = boundedLine(raw.replace(TIME_TAG, ""));
    for (const tag of tags) {
      const seconds = Number(tag[1]) * 60 + Number(tag[2].replace(":", "."));
      if (Number.isFinite(seconds)) lines.push({ atSeconds: seconds, text: words });
    }
  }
  return lines.sort((a, b) => a.atSeconds - b.atSeconds).slice(0, MAX_LINES);
}

/** The index of the line being sung at `seconds`: the last one that began; -1 before the first. */
export function lineIndexAt(lines: readonly LyricLine[], seconds: number): number {
  let index = -1;
  for (let i = 0; i < lines.length && lines[i].atSeconds <= seconds; i++) index = i;
  return index;
}

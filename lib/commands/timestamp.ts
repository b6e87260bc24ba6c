/** Reads the times people type: "83", "1:23", "1:02:03", "1m23s". */

/** Seconds, or undefined when the text is not a time. */
export function parseTimestamp(text: string): number | undefined {
  const trimmed = text.trim().toLowerCase();
  const clock = /^(?:(\d+):)?(\d+):(\d{1,2})$|^(\d+)$/.exec(trimmed);
  if (clock) {
    if (clock[4] !== undefined) return Number(clock[4]);
    const seconds = Number(clock[3]);
    return seconds < 60 ? Number(clock[1] ?? 0) * 3600 + Number(clock[2]) * 60 + seconds : undefined;
  }
  const units = /^(?:(\d+)h)?\s*(?:(\d+)m)?\s*(?:(\d+)s)?$/.exec(trimmed);
  if (!units || trimmed === "") return undefined;
  return Number(units[1] ?? 0) * 3600 + Number(units[2] ?? 0) * 60 + Number(units[3] ?? 0);
}

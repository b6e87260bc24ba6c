/**
 * A guild's volume and filters: what users may choose (an allow-list of presets, each with bounded
 * values), how they combine, and how fast the song runs under them. The ffmpeg graph is built from these
 * in lib/audio/filter_graph.ts; no user text ever reaches it.
 */

/** The filter presets, by their command names. */
export const FILTER_NAMES = [
  "bassboost",
  "nightcore",
  "vaporwave",
  "speed",
  "pitch",
  "8d",
  "karaoke",
  "lowpass",
  "tremolo",
] as const;
export type FilterName = typeof FILTER_NAMES[number];

export const BASS_LEVELS = ["low", "medium", "high"] as const;
export type BassLevel = typeof BASS_LEVELS[number];

/** Speed and pitch: playback speed factor, and pitch shift in semitones. */
export const SPEED_RANGE = { min: 0.5, max: 2 } as const;
export const PITCH_RANGE = { min: -12, max: 12 } as const;
export const VOLUME_RANGE = { min: 0, max: 200 } as const;

/** The filters on; several combine. Absent means off. */
export interface AudioFilters {
  bassboost?: BassLevel;
  nightcore?: true;
  vaporwave?: true;
  /** Song speed factor without changing pitch, 0.5–2. */
  speed?: number;
  /** Pitch shift in semitones without changing speed, -12–12. */
  pitch?: number;
  "8d"?: true;
  karaoke?: true;
  lowpass?: true;
  tremolo?: true;
}

/** Volume in percent (100 unchanged) and filters: everything that changes how a guild's audio sounds. */
export interface AudioEffects {
  volume: number;
  filters: AudioFilters;
}

export const NO_EFFECTS: Readonly<AudioEffects> = Object.freeze({ volume: 100, filters: Object.freeze({}) });

/** Nightcore and vaporwave change speed and pitch together, as a record played faster or slower. */
const NIGHTCORE_RATE = 1.25;
const VAPORWAVE_RATE = 0.8;

/** True when the audio plays as prepared: the pre-encoded file is sent as it is. */
export function isNeutral(effects: AudioEffects): boolean {
  return effects.volume === 100 && Object.keys(effects.filters).length === 0;
}

/** How much faster than normal the filters play the song (1 unchanged): song seconds per second heard. */
export function tempoOf(filters: AudioFilters): number {
  return recordRateOf(filters) * (filters.speed ?? 1);
}

/** The speed-and-pitch factor of a record played faster or slower (nightcore, vaporwave, pitch shift). */
export function recordRateOf(filters: AudioFilters): number {
  let rate = 1;
  if (filters.nightcore) rate *= NIGHTCORE_RATE;
  if (filters.vaporwave) rate *= VAPORWAVE_RATE;
  return rate;
}

/** The pitch factor of the filters: the record rate and any pitch shift. */
export function pitchFactorOf(filters: AudioFilters): number {
  return recordRateOf(filters) * 2 ** ((filters.pitch ?? 0) / 12);
}

/** `filters` with `name` turned on (at `value` where it takes one); throws a RangeError for a bad value. */
export function withFilter(
  filters: AudioFilters,
  name: FilterName,
  value: { level?: BassLevel; amount?: number },
): AudioFilters {
  switch (name) {
    case "bassboost":
      return { ...filters, bassboost: value.level ?? "medium" };
    case "speed":
      return { ...filters, speed: inRange(value.amount, SPEED_RANGE, "speed") };
    case "pitch":
      return { ...filters, pitch: inRange(value.amount, PITCH_RANGE, "pitch") };
    default:
      return { ...filters, [name]: true };
  }
}

/** `filters` without `name`. */
export function withoutFilter(filters: AudioFilters, name: FilterName): AudioFilters {
  const rest = { ...filters };
  delete rest[name];
  return rest;
}

/** "bassboost (high), speed 1.5×": what is on, for replies. */
export function describeFilters(filters: AudioFilters): string {
  const parts = FILTER_NAMES.flatMap((name) => {
    const value = filters[name];
    if (value === undefined) return [];
    if (name === "bassboost") return [`bassboost (${value})`];
    if (name === "speed") return [`speed ${value}×`];
    if (name === "pitch") return [`pitch ${Number(value) > 0 ? "+" : ""}${value} semitones`];
    return [name];
  });
  return parts.length > 0 ? parts.join(", ") : "none";
}

/** Checks a stored or received filters value; throws an Error naming the first bad field. */
export function parseFilters(value: unknown, path = "filters"): AudioFilters {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new Error(`${path} is not an object`);
  }
  let filters: AudioFilters = {};
  for (const [key, setting] of Object.entries(value)) {
    if (!(FILTER_NAMES as readonly string[]).includes(key)) throw new Error(`${path}.${key} is not a filter`);
    const name = key as FilterName;
    if (name === "bassboost") {
      if (!(BASS_LEVELS as readonly unknown[]).includes(setting)) throw new Error(`${path}.bassboost is bad`);
      filters = withFilter(filters, name, { level: setting as BassLevel });
    } else if (name === "speed" || name === "pitch") {
      filters = withFilter(filters, name, { amount: setting as number });
    } else if (setting !== true) {
      throw new Error(`${path}.${key} is not true`);
    } else {
      filters = withFilter(filters, name, {});
    }
  }
  return filters;
}

/** Checks a volume in percent. */
export function parseVolume(value: unknown, path = "volume"): number {
  return inRange(value as number, VOLUME_RANGE, path);
}

function inRange(value: number | undefined, range: { min: number; max: number }, what: string): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < range.min || value > range.max) {
    throw new RangeError(`${what} must be a number from ${range.min} to ${range.max}`);
  }
  return value;
}

/** Test tracks for end-to-end tests: tones made by ffmpeg and served by the world's media server. */
import { join } from "node:path";
import { runFfmpeg } from "../fakes/audio_analysis.ts";
import { generateTone } from "../fakes/test_tones.ts";
import type { TestWorld } from "./test_world.ts";

/** Serves a sine tone as `name` and returns its URL. */
export async function addTone(
  world: TestWorld,
  name: string,
  frequencyHz: number,
  seconds: number,
): Promise<string> {
  const path = join(world.dataDir, name);
  await generateTone({ path, frequencyHz, seconds, volumeDb: -12 });
  return world.media.add(name, await Deno.readFile(path));
}

/** Serves a track whose tone changes: each [frequency, seconds] in turn. */
export async function addToneSteps(
  world: TestWorld,
  name: string,
  steps: [number, number][],
): Promise<string> {
  const path = join(world.dataDir, name);
  const inputs = steps.flatMap((
    [hz, seconds],
  ) => ["-f", "lavfi", "-i", `sine=frequency=${hz}:duration=${seconds}`]);
  const concat = `${steps.map((_, i) => `[${i}:a]`).join("")}concat=n=${steps.length}:v=0:a=1,volume=0.25`;
  await runFfmpeg(["-y", "-loglevel", "error", ...inputs, "-filter_complex", concat, "-ac", "2", path]);
  return world.media.add(name, await Deno.readFile(path));
}

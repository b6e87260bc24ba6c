import assert from "node:assert/strict";
import {
  type AudioFilters,
  FILTER_NAMES,
  parseFilters,
  parseVolume,
  tempoOf,
  withFilter,
  withoutFilter,
} from "../../../lib/audio_effects.ts";
import { correctionCommand, filterGraph } from "../../../lib/audio/filter_graph.ts";
import { join } from "node:path";
import { parseSettings } from "../../../lib/state/guild_state.ts";
import { runFfmpeg } from "../../fakes/audio_analysis.ts";

const TARGET = { integrated: -16, truePeak: -1.5, range: 11 };
/** The ffmpeg filters the graph may use: nothing else ever appears in it. */
const ALLOWED = new Set([
  "aresample",
  "asetrate",
  "atempo",
  "bass",
  "stereotools",
  "lowpass",
  "tremolo",
  "apulsator",
  "volume",
  "alimiter",
]);

function filtersOf(graph: string): string[] {
  return graph.split(",").map((part) => part.split("=")[0]);
}

const EVERYTHING: AudioFilters = {
  bassboost: "high",
  nightcore: true,
  vaporwave: true,
  speed: 1.5,
  pitch: -3,
  "8d": true,
  karaoke: true,
  lowpass: true,
  tremolo: true,
};

Deno.test("every preset, alone and all together, builds a graph of allow-listed filters that ffmpeg runs", async () => {
  const cases: AudioFilters[] = [
    ...FILTER_NAMES.map((name) => withFilter({}, name, { level: "low", amount: 1.5 })),
    EVERYTHING,
  ];
  for (const filters of cases) {
    for (const volume of [0, 50, 100, 200]) {
      const graph = filterGraph({ volume, filters }, TARGET);
      for (const name of filtersOf(graph)) assert.ok(ALLOWED.has(name), `${name} in ${graph}`);
      assert.match(graph, /alimiter=limit=[\d.]+:/, "a limiter always holds the peaks");
    }
    await runFfmpeg([
      ...["-v", "error", "-f", "lavfi", "-i", "sine=frequency=440:duration=0.5", "-ac", "2"],
      ...["-af", filterGraph({ volume: 100, filters }, TARGET), "-f", "null", "-"],
    ]);
  }
});

Deno.test("no filters and full volume change nothing but the resampling and the limiter", () => {
  assert.deepEqual(filtersOf(filterGraph({ volume: 100, filters: {} }, TARGET)), ["aresample", "alimiter"]);
  assert.match(filterGraph({ volume: 50, filters: {} }, TARGET), /volume=-6\.02dB/);
  assert.match(filterGraph({ volume: 0, filters: {} }, TARGET), /volume=0(,|$)/);
});

Deno.test("speed changes song time; nightcore and vaporwave change speed and pitch together", () => {
  assert.equal(tempoOf({}), 1);
  assert.equal(tempoOf({ nightcore: true }), 1.25);
  assert.equal(tempoOf({ vaporwave: true }), 0.8);
  assert.equal(tempoOf({ speed: 1.5, nightcore: true }), 1.875);
  assert.equal(tempoOf({ pitch: 12 }), 1, "a pitch shift keeps the speed");
  // Nightcore: resampled 1.25 higher, no stretching back.
  const nightcore = filterGraph({ volume: 100, filters: { nightcore: true } }, TARGET);
  assert.match(nightcore, /asetrate=60000,aresample=48000/);
  assert.doesNotMatch(nightcore, /atempo/);
  // A pitch shift alone: resampled, then stretched back to the same speed.
  assert.match(filterGraph({ volume: 100, filters: { pitch: 12 } }, TARGET), /asetrate=96000.*atempo=0\.5/);
});

Deno.test("filters come only from the allow-list, with checked values", () => {
  assert.throws(() => parseFilters({ echo: true }), /filters.echo is not a filter/);
  assert.throws(() => parseFilters({ "volume=9,anull": true }), /is not a filter/);
  assert.throws(() => parseFilters({ bassboost: "extreme" }), /bassboost/);
  assert.throws(() => parseFilters({ speed: 3 }), /speed must be a number from 0.5 to 2/);
  assert.throws(() => parseFilters({ speed: "1,anull" }), /speed must be/);
  assert.throws(() => parseFilters({ pitch: Number.NaN }), /pitch must be/);
  assert.throws(() => parseFilters({ karaoke: "yes" }), /karaoke is not true/);
  assert.throws(() => parseVolume(201), /volume must be a number from 0 to 200/);
  assert.deepEqual(parseFilters(EVERYTHING), EVERYTHING);
  assert.deepEqual(withoutFilter(EVERYTHING, "speed").speed, undefined);
});

Deno.test("settings saved before volume and filters existed load with the defaults", () => {
  const old = parseSettings({ version: 1, mode: "fifo", loop: "queue", autoplay: true });
  assert.deepEqual(old, {
    mode: "fifo",
    loop: "queue",
    autoplay: true,
    stay: false,
    volume: 100,
    filters: {},
  });
  const saved = parseSettings({
    version: 1,
    mode: "fair",
    loop: "off",
    autoplay: false,
    volume: 40,
    filters: { nightcore: true },
  });
  assert.equal(saved.volume, 40);
  assert.deepEqual(saved.filters, { nightcore: true });
});

Deno.test("a correction read from a command file is applied from the first sample, and only a plain name is taken", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const effects = { volume: 100, filters: { lowpass: true as const } };
    const graph = filterGraph(effects, TARGET, { commandFile: ".partial-gain-1.txt" });
    assert.match(graph, /asendcmd=f=\.partial-gain-1\.txt,volume@correction=0dB/);
    assert.throws(
      () => filterGraph(effects, TARGET, { commandFile: "a,b:c.txt" }),
      /plain command file name/,
    );
    await Deno.writeTextFile(join(dir, ".partial-gain-1.txt"), correctionCommand(-10));
    const level = async (af: string) => {
      const { stderr } = await runFfmpeg([
        ...["-nostats", "-f", "lavfi", "-i", "sine=frequency=200:duration=0.5", "-ac", "2"],
        ...["-af", `${af},astats=measure_overall=RMS_level:measure_perchannel=none`, "-f", "null", "-"],
      ], { cwd: dir });
      return Number(/RMS level dB: (-?[\d.]+)/.exec(stderr)?.[1]);
    };
    const corrected = await level(graph);
    const plain = await level(filterGraph(effects, TARGET, 0));
    assert.ok(Math.abs(plain - corrected - 10) < 0.5, `10 dB quieter: ${plain} against ${corrected}`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/**
 * RenderJob on real ffmpeg: every filter keeps a song at the target loudness however the song is made
 * (a bass shelf on a bass-heavy song, karaoke, a low-pass, tremolo, 8D), and a render waits for a
 * transcoder slot like any ffmpeg job.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { RenderJob, type RenderNeeds } from "../../../lib/audio/render_job.ts";
import { FilterCorrections } from "../../../lib/audio/filter_loudness.ts";
import { guessedCorrectionDb } from "../../../lib/audio/filter_graph.ts";
import { JobSlots } from "../../../lib/audio/job_slots.ts";
import type { AudioFilters } from "../../../lib/audio_effects.ts";
import { integratedLoudness } from "../../fakes/audio_analysis.ts";
import { prepared, SONGS } from "../../fakes/prepared_file.ts";
import { holdsFor, settlesWithin } from "../../fakes/wait_until.ts";

const TARGET = { integrated: -16, truePeak: -1.5, range: 11 };

const FILTERS: Record<string, AudioFilters> = {
  "bass boost (high)": { bassboost: "high" },
  "karaoke": { karaoke: true },
  "low-pass": { lowpass: true },
  "tremolo": { tremolo: true },
  "8D": { "8d": true },
  "nightcore": { nightcore: true },
};

function render(dir: string, input: string, filters: AudioFilters, needs: RenderNeeds, name: string) {
  return new RenderJob("ffmpeg", TARGET, {
    inputPath: input,
    inputComplete: Promise.resolve(true),
    startSeconds: 2,
    effects: { volume: 100, filters },
    outputPath: join(dir, `${name}.ogg`),
  }, needs);
}

Deno.test("every filter keeps a song at the target loudness, whatever the song's balance", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const corrections = new FilterCorrections("ffmpeg");
    const needs: RenderNeeds = {
      admit: () => Promise.resolve(() => {}),
      correctionDb: (order, signal) =>
        corrections.correctionFor(order, order.startSeconds, order.effects.filters, signal),
    };
    const misses: string[] = [];
    for (const [song, sources] of Object.entries(SONGS)) {
      const input = await prepared(dir, song, sources);
      for (const [label, filters] of Object.entries(FILTERS)) {
        const name = `${song} ${label}`.replaceAll(/\W+/g, "-");
        const job = render(dir, input, filters, needs, name);
        await job.finished;
        const lufs = await integratedLoudness(join(dir, `${name}.ogg`));
        console.log(`${song}, ${label}: ${lufs.toFixed(2)} LUFS`);
        // Karaoke takes away what is in the middle: of a song with nothing off-centre, next to nothing is
        // left, and that is not made up for (only ever quieter).
        const allowed = song === "bass-heavy" && label === "karaoke"
          ? lufs <= TARGET.integrated - 10
          : Math.abs(lufs - TARGET.integrated) <= 1;
        if (!allowed) misses.push(`${song}, ${label}: ${lufs.toFixed(2)} LUFS`);
      }
    }
    assert.deepEqual(misses, [], `target ${TARGET.integrated} ± 1 LU`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a render waits for a transcoder slot, and starts once one is free", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const input = await prepared(dir, "song", SONGS.broadband);
    const slots = new JobSlots(1);
    const release = await slots.acquire(() => "now");
    const job = render(dir, input, { nightcore: true }, {
      admit: (signal) => slots.acquire(() => "now", signal),
      correctionDb: () => Promise.resolve(0),
    }, "waiting");
    let streaming = false;
    job.streaming.then(() => (streaming = true));
    await holdsFor(
      1_000,
      () => streaming ? "audio was rendered" : undefined,
      "no audio rendered while every slot is taken",
    );
    release();
    await job.streaming;
    assert.equal(slots.running.now, 1, "the render holds the slot while it runs");
    await job.finished;
    assert.equal(slots.running.now, 0, "and gives it back at its end");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a loudness probe waiting on a download slower than the music gives way to the guess, unremembered", async () => {
  const dir = await Deno.makeTempDir();
  try {
    // One second written of a file whose download goes on: the probe's four seconds are not there yet.
    const input = await prepared(dir, "partial", SONGS["bass-heavy"].replace(/d=20/g, "d=1"));
    const corrections = new FilterCorrections("ffmpeg", 300);
    const growing = { inputPath: input, inputComplete: new Promise<boolean>(() => {}) };
    const never = new AbortController().signal;
    const stop = new AbortController();
    const guessed = await settlesWithin(
      corrections.correctionFor(growing, 0, { bassboost: "high" }, stop.signal),
      5_000,
      "a correction for a file whose download goes on",
    ).finally(() => stop.abort());
    assert.equal(guessed, guessedCorrectionDb({ bassboost: "high" }));
    // Once the file is complete the song is measured: the guess was not kept for it.
    const complete = { inputPath: input, inputComplete: Promise.resolve(true) };
    const measured = await corrections.correctionFor(complete, 0, { bassboost: "high" }, never);
    assert.ok(measured < guessed - 3, `measured ${measured} dB, against the guess of ${guessed} dB`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/**
 * Renders made ahead, on real ffmpeg: a finished file is rendered from its start with the effects in use
 * lately, and the render asked for at the hand-over adopts it (its file linked to the asked-for path) instead
 * of starting ffmpeg then; anything else (another start, other effects) is rendered as usual.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { PreRenders } from "../../../lib/audio/pre_renders.ts";
import { RenderJob, type RenderOrder } from "../../../lib/audio/render_job.ts";
import type { AudioEffects } from "../../../lib/audio_effects.ts";
import { decodedDurationSeconds } from "../../fakes/audio_analysis.ts";
import { prepared, PREPARED_TARGET, rendersAheadIn, SONGS } from "../../fakes/prepared_file.ts";
import { askUntil } from "../../fakes/wait_until.ts";

const NIGHTCORE: AudioEffects = { volume: 80, filters: { nightcore: true } };
/** The file a guild plays while the effects are asked for. */
const PLAYING = { inputPath: "/nowhere/playing.ogg", inputComplete: Promise.resolve(true) };

function setup(dir: string) {
  let started = 0;
  const renders = new PreRenders(dir, (order) => {
    started++;
    return new RenderJob("ffmpeg", PREPARED_TARGET, order, {
      admit: () => Promise.resolve(() => {}),
      correctionDb: () => Promise.resolve(0),
    });
  });
  return { renders, started: () => started };
}

function orderFor(
  input: string,
  dir: string,
  name: string,
  effects = NIGHTCORE,
  startSeconds = 0,
): RenderOrder {
  return {
    inputPath: input,
    inputComplete: Promise.resolve(true),
    startSeconds,
    effects,
    outputPath: join(dir, `${name}.ogg`),
  };
}

Deno.test("a finished file is rendered ahead with the effects in use, and the render asked for adopts it", async () => {
  const dir = await Deno.makeTempDir();
  const { renders, started } = setup(dir);
  try {
    const input = await prepared(dir, "song", SONGS.broadband);
    renders.renderAhead({ inputPath: input, inputComplete: Promise.resolve(true) });
    assert.equal(started(), 0, "nothing is rendered ahead before any effects were used");
    renders.used(NIGHTCORE, PLAYING);
    assert.equal(started(), 1, "a file finished just before the effects came into use is rendered then");
    renders.renderAhead({ inputPath: input, inputComplete: Promise.resolve(true) });
    renders.used(NIGHTCORE, PLAYING);
    assert.equal(started(), 1, "and only once");

    assert.equal(renders.adopt(orderFor(input, dir, "later", NIGHTCORE, 30)), undefined, "from elsewhere");
    assert.equal(renders.adopt(orderFor(input, dir, "other", { volume: 100, filters: {} })), undefined);
    const order = orderFor(input, dir, "asked");
    const [ahead] = await askUntil(async () => {
      const names = await rendersAheadIn(dir);
      return names.length > 0 ? names : undefined;
    }, "the render ahead to begin writing");
    const adopted = renders.adopt(order);
    assert.ok(adopted, "the render asked for is the one made ahead");
    assert.equal(started(), 1, "no second ffmpeg for the render asked for");
    assert.equal(
      Deno.statSync(order.outputPath).ino,
      Deno.statSync(join(dir, ahead)).ino,
      "one file, two names",
    );
    await adopted.finished;
    const seconds = await decodedDurationSeconds(order.outputPath);
    assert.ok(Math.abs(seconds - 20 / 1.25) < 0.5, `the whole song at 1.25×: ${seconds} s`);
    await askUntil(
      async () => (await rendersAheadIn(dir)).length === 0 || undefined,
      "its own name to go at its end",
    );
    assert.equal(renders.size, 0);
  } finally {
    renders.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("renders ahead are bounded, and closing stops them and removes their files", async () => {
  const dir = await Deno.makeTempDir();
  const { renders } = setup(dir);
  try {
    renders.used(NIGHTCORE, PLAYING);
    const inputs = await Promise.all(
      [0, 1, 2, 3, 4, 5].map((i) => prepared(dir, `song-${i}`, SONGS.broadband)),
    );
    for (const input of inputs) {
      renders.renderAhead({ inputPath: input, inputComplete: Promise.resolve(true) });
    }
    assert.equal(renders.size, 4, "at most four at once: the oldest make room");
    await askUntil(
      async () => (await rendersAheadIn(dir)).length === 4 || undefined,
      "the four to begin writing",
    );
    assert.ok(renders.adopt(orderFor(inputs[5], dir, "newest")), "the newest is kept");
    assert.equal(renders.adopt(orderFor(inputs[0], dir, "oldest")), undefined, "the oldest was dropped");
    renders.close();
    assert.equal(renders.size, 0);
    await askUntil(
      async () => (await rendersAheadIn(dir)).length === 0 || undefined,
      "their files to be removed",
    );
  } finally {
    renders.close();
    await Deno.remove(dir, { recursive: true });
  }
});

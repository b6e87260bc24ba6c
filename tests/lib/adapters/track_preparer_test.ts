/** TrackPreparer between the engine and the transcoder, the resolver and the cache, on fakes of the workers. */
import assert from "node:assert/strict";
import type { Readable } from "node:stream";
import { buffer } from "node:stream/consumers";
import { concatBytes } from "../../../lib/audio/ogg_page.ts";
import { TemporaryFailure } from "../../../lib/guild/preparation.ts";
import type { TrackSource } from "../../../lib/track.ts";
import { UserError } from "../../../lib/user_error.ts";
import { askUntil, waitUntil } from "../../fakes/wait_until.ts";
import { failure, FIRST_PAGES, SONG, trackOf, withPreparer } from "./preparer_world.ts";
import { loggedErrors } from "../../fakes/logged_errors.ts";

const SONG_A: TrackSource = { kind: "youtube", videoId: "song-a-0001" };
const MATCHED: TrackSource & { kind: "youtube" } = { kind: "youtube", videoId: "matched-001" };
const SPOTIFY: TrackSource = {
  kind: "spotify",
  trackId: "4uLU6hMCjMI75M1A2tKUQC",
  title: "Song",
  artists: ["Band"],
};

/** What a stream delivered so far, and its end. */
function collect(stream: Readable) {
  const chunks: Uint8Array[] = [];
  stream.on("data", (chunk: Uint8Array) => chunks.push(chunk));
  const ended = new Promise<Uint8Array>((resolve, reject) => {
    stream.on("end", () => resolve(concatBytes(chunks)));
    stream.on("error", reject);
  });
  ended.catch(() => {});
  return {
    ended,
    get received() {
      return chunks.reduce((sum, chunk) => sum + chunk.length, 0);
    },
  };
}

/** The temporary files left in the cache folder. */
async function partialFiles(dir: string): Promise<string[]> {
  return (await Array.fromAsync(Deno.readDir(dir))).map((entry) => entry.name).filter((name) =>
    name.startsWith(".partial-")
  );
}

Deno.test("a cached track is served without the transcoder and stays pinned until released", () =>
  withPreparer(async (world) => {
    const key = world.keyOf(SONG_A);
    await world.cacheSong(key);
    const prepared = await world.prepare(trackOf(SONG_A));
    assert.equal(prepared.fromCache, true);
    assert.equal(prepared.cacheKey, key);
    assert.equal(prepared.durationSeconds, 4);
    assert.equal(world.cache.pinCount(key), 1, "pinned while the guild holds it: never evicted mid-play");
    assert.deepEqual(new Uint8Array(await buffer(prepared.open(0))), SONG);
    await world.roundTrip();
    assert.equal(world.starts.length, 0, "the transcoder was never asked");
    prepared.release();
    prepared.release();
    assert.equal(world.cache.pinCount(key), 0, "released once, however often release is called");
  }));

Deno.test("a track two guilds ask for at once is made once, handed over as it streams, and cached", () =>
  withPreparer(async (world) => {
    const key = world.keyOf(SONG_A);
    let handedOver = 0;
    const asked = [trackOf(SONG_A), trackOf(SONG_A)].map((track) =>
      world.prepare(track).then((prepared) => (handedOver++, prepared))
    );
    await waitUntil(() => world.starts.length > 0, "the transcoder is asked");
    await world.roundTrip();
    assert.equal(world.starts.length, 1, "one start for both guilds");
    const start = world.starts[0];
    assert.deepEqual(start.request.source, SONG_A);
    assert.equal(start.request.durationSeconds, 4, "what the resolver learned goes along");
    assert.equal(start.request.priority, "later");
    assert.equal(handedOver, 0, "nothing is handed over before the first audio is written");

    await start.stream();
    const [first, second] = await Promise.all(asked);
    assert.equal(first.fromCache, false);
    assert.equal(first.cacheKey, key);
    assert.equal(second.cacheKey, key);
    assert.equal(first.durationSeconds, 4, "the transcoder's duration");
    const finish = await world.finishOf(start.request.job);
    const reading = collect(first.open(0));
    await waitUntil(() => reading.received >= FIRST_PAGES.length, "the first pages play before the end");
    assert.equal(world.cache.stats().files, 0, "not in the cache before it is finished");

    await finish.ready();
    assert.deepEqual(await reading.ended, SONG, "the reader follows the file to its end");
    await waitUntil(() => world.cache.stats().files === 1, "the finished file enters the cache");
    assert.deepEqual(await Deno.readFile(world.cache.pathOf(key)), SONG);
    assert.deepEqual(await partialFiles(world.cache.dir), []);
    assert.equal(world.cache.pinCount(key), 1, "held for the guilds playing it");
    first.release();
    assert.equal(world.cache.pinCount(key), 1, "the other guild still plays it");
    second.release();
    assert.equal(world.cache.pinCount(key), 0);
    const again = await world.prepare(trackOf(SONG_A));
    assert.equal(again.fromCache, true, "the next ask is a hit");
    again.release();
    assert.equal(world.starts.length, 1);
  }));

Deno.test("a making is cancelled only when every holder let go before it finished", () =>
  withPreparer(async (world) => {
    const asked = [trackOf(SONG_A), trackOf(SONG_A)].map((track) => world.prepare(track));
    await waitUntil(() => world.starts.length > 0, "the transcoder is asked");
    const start = world.starts[0];
    await start.stream();
    const [first, second] = await Promise.all(asked);
    const finish = await world.finishOf(start.request.job);
    first.release();
    // A cancel sent by that release would reach the worker before this later request.
    await world.roundTrip();
    assert.equal(finish.signal.aborted, false, "one guild still wants it: the making goes on");
    second.release();
    await waitUntil(() => finish.signal.aborted, "the cancel reaches the worker");
    await waitUntil(() => world.cache.stats().files === 0, "nothing was cached");
    await partialFilesGone(world.cache.dir);
    const again = world.prepare(trackOf(SONG_A));
    await waitUntil(() => world.starts.length === 2, "asked again, it is made afresh");
    await world.starts[1].stream();
    const remade = await again;
    await (await world.finishOf(world.starts[1].request.job)).ready();
    await waitUntil(() => world.cache.stats().files === 1, "the new making is cached");
    remade.release();
  }));

Deno.test("a file everyone let go of while it was moved into the cache stays there, unpinned", () =>
  withPreparer(async (world) => {
    const key = world.keyOf(SONG_A);
    const asked = [trackOf(SONG_A), trackOf(SONG_A)].map((track) => world.prepare(track));
    await waitUntil(() => world.starts.length > 0, "the transcoder is asked");
    await world.starts[0].stream();
    const holders = await Promise.all(asked);
    const moved = Promise.withResolvers<void>();
    world.renames.gate = moved.promise;
    await (await world.finishOf(world.starts[0].request.job)).ready();
    await waitUntil(() => world.renames.started === 1, "the finished file is being moved into the cache");
    for (const prepared of holders) prepared.release();
    moved.resolve();
    await waitUntil(() => world.cache.stats().files === 1, "it enters the cache");
    await waitUntil(() => world.cache.pinCount(key) === 0, "nothing holds it, so it may be evicted later");
    await world.roundTrip();
    assert.equal(world.cache.pinCount(key), 0);
  }));

Deno.test("guilds giving up before the first audio cancel the start once the last one has", () =>
  withPreparer(async (world) => {
    const [one, two] = [new AbortController(), new AbortController()];
    const asked = [one, two].map((controller) =>
      world.prepare(trackOf(SONG_A), { signal: controller.signal, priority: "now" })
    );
    await waitUntil(() => world.starts.length > 0, "the transcoder is asked");
    one.abort(new Error("skipped in guild one"));
    await assert.rejects(asked[0], /skipped in guild one/);
    await world.roundTrip();
    assert.equal(world.starts[0].signal.aborted, false, "guild two still waits for it");
    two.abort(new Error("skipped in guild two"));
    await assert.rejects(asked[1], /skipped in guild two/);
    await waitUntil(() => world.starts[0].signal.aborted, "the cancel reaches the worker");
  }));

/** Waits until the cache folder holds no temporary file. */
async function partialFilesGone(dir: string): Promise<void> {
  await askUntil(
    async () => (await partialFiles(dir)).length === 0 || undefined,
    "the temporary file is removed",
    {
      everyMs: 20,
    },
  );
}

Deno.test("a temporary failure to start is a TemporaryFailure for every guild waiting", () =>
  withPreparer(async (world) => {
    const asked = [trackOf(SONG_A), trackOf(SONG_A)].map((track) => world.prepare(track));
    await waitUntil(() => world.starts.length > 0, "the transcoder is asked");
    await loggedErrors(async () => {
      world.starts[0].answer(failure("The download timed out.", { temporary: true }));
      for (const prepared of asked) {
        await assert.rejects(prepared, (error) => {
          assert.ok(error instanceof TemporaryFailure, `${error}`);
          assert.equal(error.message, "The download timed out.");
          return true;
        });
      }
      await partialFilesGone(world.cache.dir);
    });
  }));

Deno.test("a failure written for the user becomes a UserError with its words; other failures stay bugs", () =>
  withPreparer(async (world) => {
    const SONG_B: TrackSource = { kind: "url", url: "https://example.com/missing.mp3" };
    const [userFacing, bug] = [SONG_A, SONG_B].map((source) => world.prepare(trackOf(source)));
    await waitUntil(() => world.starts.length === 2, "both are started");
    await loggedErrors(async () => {
      world.startOf("job-1").answer(failure("That link leads nowhere.", { userFacing: true }));
      world.startOf("job-2").answer(failure("ffmpeg exited with 1", {}));
      await assert.rejects(userFacing, (error) => {
        assert.ok(error instanceof UserError, `${error}`);
        assert.equal(error.message, "That link leads nowhere.");
        return true;
      });
      await assert.rejects(bug, (error) => {
        assert.ok(!(error instanceof UserError) && !(error instanceof TemporaryFailure), `${error}`);
        assert.equal((error as Error).message, "ffmpeg exited with 1");
        return true;
      });
      await partialFilesGone(world.cache.dir);
    });
  }));

Deno.test("a track whose finish fails is discarded, not cached, and made afresh when asked again", () =>
  withPreparer(async (world) => {
    const key = world.keyOf(SONG_A);
    const asked = world.prepare(trackOf(SONG_A));
    await waitUntil(() => world.starts.length > 0, "the transcoder is asked");
    await world.starts[0].stream();
    const prepared = await asked;
    const reading = collect(prepared.open(0));
    const finish = await world.finishOf(world.starts[0].request.job);
    await loggedErrors(async (logged) => {
      finish.answer(failure("The finished file is 3 LU too quiet and could not be corrected.", {}));
      await assert.rejects(
        reading.ended,
        /could not be prepared/,
        "the listener's stream ends with an error",
      );
      await partialFilesGone(world.cache.dir);
      await waitUntil(() => logged.some((line) => line.includes("3 LU too quiet")), "the failure is logged");
    });
    assert.equal(world.cache.stats().files, 0);
    assert.equal(await world.cache.acquire(key), undefined, "not in the cache");
    prepared.release();
    const again = world.prepare(trackOf(SONG_A));
    await waitUntil(() => world.starts.length === 2, "made afresh");
    await world.starts[1].stream();
    const remade = await again;
    assert.equal(remade.fromCache, false);
    await (await world.finishOf(world.starts[1].request.job)).ready();
    await waitUntil(() => world.cache.stats().files === 1, "the new making is cached");
    remade.release();
  }));

Deno.test("a Spotify track is matched to a video before it is made, and cached under the video", () =>
  withPreparer(async (world) => {
    const track = trackOf(SPOTIFY, 200);
    const asked = world.prepare(track);
    await waitUntil(() => world.matches.length > 0, "the resolver is asked for a match");
    assert.deepEqual(world.matches[0].request, { kind: "match", source: SPOTIFY });
    await world.roundTrip();
    assert.equal(world.starts.length, 0, "nothing is made before the match");
    world.matches[0].answer({ outcome: "matched", source: MATCHED });
    await waitUntil(() => world.starts.length > 0, "the transcoder is asked");
    const start = world.starts[0].request;
    assert.deepEqual(start.source, MATCHED);
    assert.equal(start.durationSeconds, undefined, "the Spotify duration need not be the video's");
    await world.starts[0].stream();
    const prepared = await asked;
    assert.equal(prepared.cacheKey, world.keyOf(MATCHED));
    await (await world.finishOf(start.job)).ready();
    await waitUntil(() => world.cache.stats().files === 1, "cached");
    prepared.release();
    const video = await world.prepare(trackOf(MATCHED));
    assert.equal(video.fromCache, true, "the video itself is now a hit");
    video.release();
  }));

Deno.test("a Spotify match that finds nothing or fails says so in the engine's terms", () =>
  withPreparer(async (world) => {
    const [empty, down] = [trackOf(SPOTIFY), trackOf(SPOTIFY)].map((track) => world.prepare(track));
    await waitUntil(() => world.matches.length === 2, "both are matched");
    world.matches[0].answer({ outcome: "empty", message: 'No video matches "Song" on YouTube.' });
    world.matches[1].answer(failure("The resolver stopped unexpectedly.", { temporary: true }));
    await assert.rejects(
      empty,
      (error) => error instanceof UserError && /No video matches "Song"/.test(error.message),
    );
    await assert.rejects(down, (error) => error instanceof TemporaryFailure);
    await world.roundTrip();
    assert.equal(world.starts.length, 0);
  }));

Deno.test("a prefetched track that is about to play has its making raised to now", () =>
  withPreparer(async (world) => {
    const track = trackOf(SONG_A);
    const asked = world.prepare(track);
    await waitUntil(() => world.starts.length > 0, "the transcoder is asked");
    assert.equal(world.starts[0].request.priority, "later");
    world.preparer.prioritize(track);
    await world.roundTrip();
    assert.deepEqual(world.notes, [{
      kind: "prioritize",
      job: world.starts[0].request.job,
      priority: "now",
    }]);
    await world.starts[0].stream();
    (await asked).release();
    await partialFilesGone(world.cache.dir);
  }));

Deno.test("a Spotify track raised to now while it is still matched is started as now", () =>
  withPreparer(async (world) => {
    const early = trackOf(SPOTIFY);
    const asked = world.prepare(early);
    await waitUntil(() => world.matches.length > 0, "the resolver is asked for a match");
    world.preparer.prioritize(early);
    world.matches[0].answer({ outcome: "matched", source: MATCHED });
    await waitUntil(() => world.starts.length > 0, "the transcoder is asked");
    assert.equal(world.starts[0].request.priority, "now", "raised before its making existed");
    await world.starts[0].stream();
    (await asked).release();
    await partialFilesGone(world.cache.dir);
  }));

Deno.test("a Spotify track raised to now while it is made has its job raised", () =>
  withPreparer(async (world) => {
    const late = trackOf(SPOTIFY);
    const later = world.prepare(late);
    await waitUntil(() => world.matches.length > 0, "the resolver is asked for a match");
    world.matches[0].answer({ outcome: "matched", source: MATCHED });
    await waitUntil(() => world.starts.length > 0, "the transcoder is asked");
    const job = world.starts[0].request.job;
    assert.equal(world.starts[0].request.priority, "later");
    world.preparer.prioritize(late);
    await world.roundTrip();
    assert.deepEqual(world.notes, [{ kind: "prioritize", job, priority: "now" }]);
    await world.starts[0].stream();
    (await later).release();
    await partialFilesGone(world.cache.dir);
  }));

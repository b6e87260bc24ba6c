/**
 * The fake yt-dlp, run as a process with the bot's own argument builders, answers in shapes the bot's
 * parsers accept, fails with yt-dlp's words, downloads through the proxy it is given, and logs every run.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startEgressProxy } from "../../lib/sources/egress_proxy.ts";
import {
  downloadArgs,
  metadataArgs,
  playlistArgs,
  radioArgs,
  searchArgs,
} from "../../lib/sources/ytdlp_args.ts";
import { explainYtdlpFailure } from "../../lib/sources/ytdlp_errors.ts";
import { choiceName, trackFromVideoJson, tracksFromPlaylistJson } from "../../lib/sources/ytdlp_output.ts";
import type { Catalog } from "./fake_youtube_catalog.ts";
import type { LoggedInvocation } from "./fake_ytdlp.ts";
import { startMediaServer } from "./media_server.ts";

const FAKE_YTDLP = fileURLToPath(new URL("./fake_ytdlp.ts", import.meta.url));
const [LOW, MID, HIGH] = ["lowHum00001", "midHum00002", "highHum0003"];
const AUDIO = new Uint8Array([73, 68, 51, 4, 0, 0, 1, 2, 3, 4]);

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** A catalog of three videos (served by `mediaUrl`) in a fresh folder. */
async function setUp(mediaUrl: string, version?: string) {
  const dir = await Deno.makeTempDir({ prefix: "fake_ytdlp_test_" });
  const video = (id: string, title: string) => ({ id, title, durationSeconds: 3, mediaUrl });
  const catalog: Catalog = {
    videos: [video(LOW, "Low Hum"), video(MID, "Mid Hum"), video(HIGH, "High Hum")],
    playlists: [{ id: "PLfakeThreeHums", title: "Three Hums", videoIds: [LOW, MID, HIGH] }],
    radios: { [LOW]: [HIGH, MID] },
    searches: { "low hum": [LOW, MID], "*": [HIGH] },
    logPath: join(dir, "log.jsonl"),
    realYtdlp: "yt-dlp",
    ...(version === undefined ? {} : { version }),
  };
  const catalogPath = join(dir, "catalog.json");
  await Deno.writeTextFile(catalogPath, JSON.stringify(catalog));
  const run = async (args: string[]): Promise<Run> => {
    const output = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--quiet", "--allow-all", FAKE_YTDLP, ...args],
      env: { FAKE_YOUTUBE_CATALOG: catalogPath },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
    return { code: output.code, stdout: text(output.stdout), stderr: text(output.stderr) };
  };
  const log = async (): Promise<LoggedInvocation[]> =>
    (await Deno.readTextFile(catalog.logPath)).trim().split("\n").map((line) => JSON.parse(line));
  return { dir, run, log, cleanup: () => Deno.remove(dir, { recursive: true }) };
}

const watch = (id: string) => `https://www.youtube.com/watch?v=${id}`;

Deno.test("searches answer with the first N matches, or the catch-all entry", async () => {
  const fake = await setUp("http://127.0.0.1:9/unused.mp3");
  try {
    const found = await fake.run(searchArgs("  LOW   hum ", 1));
    assert.equal(found.code, 0, found.stderr);
    const results = tracksFromPlaylistJson(JSON.parse(found.stdout));
    assert.deepEqual(results.map((track) => [choiceName(track), track.url]), [[
      "Low Hum (0:03)",
      watch(LOW),
    ]]);
    const other = tracksFromPlaylistJson(JSON.parse((await fake.run(searchArgs("anything", 5))).stdout));
    assert.deepEqual(other.map((track) => track.title), ["High Hum"]);
    const [first] = await fake.log();
    assert.deepEqual(first.request, { kind: "search", text: "  LOW   hum ", count: 1 });
  } finally {
    await fake.cleanup();
  }
});

Deno.test("watch, youtu.be and shorts links give the video's metadata; unknown ids fail like YouTube", async () => {
  const fake = await setUp("http://127.0.0.1:9/unused.mp3");
  try {
    for (const link of [watch(MID), `https://youtu.be/${MID}`, `https://www.youtube.com/shorts/${MID}`]) {
      const answer = await fake.run(metadataArgs(link));
      assert.equal(answer.code, 0, answer.stderr);
      const track = trackFromVideoJson(JSON.parse(answer.stdout), link);
      assert.deepEqual(track.source, { kind: "youtube", videoId: MID });
      assert.equal(track.title, "Mid Hum");
      assert.equal(track.durationSeconds, 3);
    }
    const missing = await fake.run(metadataArgs(watch("nOsUcHvId01")));
    assert.equal(missing.code, 1);
    assert.equal(explainYtdlpFailure(missing.stderr, missing.code).message, "That video is unavailable.");
  } finally {
    await fake.cleanup();
  }
});

Deno.test("playlists honour --playlist-items; a radio starts with its seed", async () => {
  const fake = await setUp("http://127.0.0.1:9/unused.mp3");
  try {
    const list = await fake.run(playlistArgs("https://www.youtube.com/playlist?list=PLfakeThreeHums", 2));
    const ids = (json: string) =>
      tracksFromPlaylistJson(JSON.parse(json)).map((t) => t.source.kind === "youtube" && t.source.videoId);
    assert.deepEqual(ids(list.stdout), [LOW, MID]);
    assert.deepEqual(ids((await fake.run(radioArgs(LOW, 25))).stdout), [LOW, HIGH, MID]);
    assert.deepEqual(
      ids((await fake.run(radioArgs(MID, 25))).stdout),
      [MID],
      "no mix listed: the seed alone",
    );
    const gone = await fake.run(playlistArgs("https://www.youtube.com/playlist?list=PLnothingHere", 5));
    assert.equal(
      explainYtdlpFailure(gone.stderr, gone.code).message,
      "That playlist doesn't exist or is private.",
    );
    const requests = (await fake.log()).map((line) => line.request.kind);
    assert.deepEqual(requests, ["playlist", "radio", "radio", "playlist"]);
  } finally {
    await fake.cleanup();
  }
});

Deno.test("downloads fetch the media through the given proxy, which may refuse", async () => {
  const media = startMediaServer();
  const fake = await setUp(media.add("hum.mp3", AUDIO));
  const open = startEgressProxy({ allowPrivate: true });
  const strict = startEgressProxy({ allowPrivate: false });
  try {
    const output = join(fake.dir, "100%.part");
    const done = await fake.run(downloadArgs(watch(LOW), output, { proxy: open.url }));
    assert.equal(done.code, 0, done.stderr);
    assert.deepEqual(await Deno.readFile(output), AUDIO);
    assert.deepEqual(media.requests, ["/hum.mp3"]);

    const refused = await fake.run(downloadArgs(watch(LOW), join(fake.dir, "other"), { proxy: strict.url }));
    assert.equal(refused.code, 1);
    assert.ok(/HTTP Error 403/.test(refused.stderr), refused.stderr);
    assert.equal(strict.refusals.length, 1, "the proxy saw, and refused, the loopback media server");
    assert.equal(media.requests.length, 1);
  } finally {
    await Promise.all([open.close(), strict.close(), media.close(), fake.cleanup()]);
  }
});

Deno.test("anything that is not YouTube goes to the real yt-dlp, and is logged too", async () => {
  const fake = await setUp("http://127.0.0.1:9/unused.mp3");
  try {
    const version = await fake.run(["--version"]);
    assert.equal(version.code, 0, version.stderr);
    assert.ok(/^\d{4}\.\d{2}\.\d{2}/.test(version.stdout), version.stdout);
    const unsupported = await fake.run(metadataArgs("https://www.youtube.com/feed/trending"));
    assert.ok(/Unsupported URL/.test(unsupported.stderr), unsupported.stderr);
    assert.deepEqual((await fake.log()).map((line) => line.request.kind), ["version", "unsupported"]);
  } finally {
    await fake.cleanup();
  }
});

Deno.test("a catalog version makes the fake an old yt-dlp: that version, and --js-runtimes unknown", async () => {
  const fake = await setUp("http://127.0.0.1:9/unused.mp3", "2023.03.04");
  try {
    const version = await fake.run(["--version"]);
    assert.equal(version.stdout.trim(), "2023.03.04");
    const refused = await fake.run(searchArgs("low hum", 1, { denoPath: Deno.execPath() }));
    assert.equal(refused.code, 2);
    assert.ok(/no such option: --js-runtimes/.test(refused.stderr), refused.stderr);
    const plain = await fake.run(searchArgs("low hum", 1));
    assert.equal(plain.code, 0, plain.stderr);
  } finally {
    await fake.cleanup();
  }
});

/**
 * No tool start-up between /play and the music: a direct media link plays with no yt-dlp at all, a web page
 * and a YouTube link go through the warm yt-dlp helper (also when the helper is killed mid-extraction: the
 * extraction is tried once more), and a bot killed with SIGKILL leaves no helper behind.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { FakeYoutube, holdExtractions } from "../fakes/fake_youtube.ts";
import { waitUntil } from "../fakes/wait_until.ts";
import { descendantsWith, isAlive } from "../lib/process/proc_table.ts";
import { addTone } from "./media_library.ts";
import { audioAfter, packetsFor } from "./received_audio.ts";
import type { TestWorld } from "./test_world.ts";
import { worldTest } from "./with_world.ts";
import type { BotProcess } from "./bot_process.ts";

/** Words from the helper's source, which it is given on its command line. */
const HELPER_MARKER = "yt-dlp kept warm";

/** A yt-dlp that records each start in a file before running the real one. */
async function countingYtdlp(world: TestWorld) {
  const path = join(world.dataDir, "counted-yt-dlp");
  const log = join(world.dataDir, "yt-dlp-starts");
  await Deno.writeTextFile(path, `#!/bin/sh\necho "$*" >> '${log}'\nexec yt-dlp "$@"\n`, { mode: 0o755 });
  const starts = () => {
    try {
      return Deno.readTextFileSync(log).split("\n").filter((line) => line !== "");
    } catch {
      return [];
    }
  };
  return { path, starts };
}

/**
 * Web pages that name a media file with <audio src>. yt-dlp's first request for `held.html` waits for
 * `letGo` (yt-dlp sends a browser's name; the bot's own look at the link is let through).
 */
function startPages(world: TestWorld) {
  let release: () => void = () => {};
  const holding = new Promise<void>((resolve) => release = resolve);
  let heldRequests = 0;
  const page = (title: string, media: string) =>
    new Response(
      `<html><head><title>${title}</title></head><body><audio src="${media}"></audio></body></html>`,
      {
        headers: { "content-type": "text/html" },
      },
    );
  const media = new Map<string, string>();
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (request) => {
    const name = new URL(request.url).pathname.slice(1);
    const mediaUrl = media.get(name);
    if (mediaUrl === undefined) return new Response("Not found", { status: 404 });
    const fromYtdlp = /Mozilla/.test(request.headers.get("user-agent") ?? "");
    if (name === "held.html" && fromYtdlp && heldRequests++ === 0) await holding;
    return page(name, mediaUrl);
  });
  world.closeWith(async () => {
    release();
    await server.shutdown();
  });
  return {
    add: (
      name: string,
      mediaUrl: string,
    ) => (media.set(name, mediaUrl), `http://127.0.0.1:${server.addr.port}/${name}`),
    get heldRequests() {
      return heldRequests;
    },
    letGo: () => release(),
  };
}

function helpersOf(bot: BotProcess): number[] {
  return descendantsWith(bot.pid, HELPER_MARKER);
}

/** Plays `query` and waits for `seconds` of its audio. */
async function playAndHear(world: TestWorld, query: string, seconds: number) {
  const from = world.voice.audioPackets().length;
  world.play(query);
  await audioAfter(world.voice, from, packetsFor(seconds), 60_000);
}

worldTest("a direct media link plays with no yt-dlp process and no yt-dlp request", async (world) => {
  const ytdlp = await countingYtdlp(world);
  const url = await addTone(world, "direct.mp3", 440, 3);
  const bot = await world.startBot({ YTDLP_PATH: ytdlp.path });
  await waitUntil(() => helpersOf(bot).length >= 2, "both workers' helpers are warm");
  await playAndHear(world, url, 2);
  assert.equal(
    world.media.count("direct.mp3", /Mozilla/),
    0,
    "yt-dlp (which sends a browser's name) never asked",
  );
  assert.ok(world.media.count("direct.mp3") >= 1);
  assert.deepEqual(ytdlp.starts(), [], "no yt-dlp command was started, not even for its version");
});

worldTest(
  "a page link plays through the warm helper, also after the helper is killed mid-extraction",
  async (world) => {
    const ytdlp = await countingYtdlp(world);
    const pages = startPages(world);
    const first = pages.add("page.html", await addTone(world, "page-tone.mp3", 500, 3));
    const held = pages.add("held.html", await addTone(world, "held-tone.mp3", 700, 3));
    const bot = await world.startBot({ YTDLP_PATH: ytdlp.path, TRAZOM_PLAY_RATE: "off" });
    await playAndHear(world, first, 2);
    assert.ok(world.media.count("page-tone.mp3") >= 1);

    const before = helpersOf(bot);
    world.play(held);
    await waitUntil(() => pages.heldRequests === 1, "the helper is reading the held page");
    for (const pid of before) Deno.kill(pid, "SIGKILL");
    await waitUntil(() => pages.heldRequests === 2, "a fresh helper read it again");
    pages.letGo();
    const from = world.voice.audioPackets().length;
    await audioAfter(world.voice, from, packetsFor(2), 60_000);
    assert.ok(world.media.count("held-tone.mp3") >= 1, "the held page's tone was fetched");
    assert.match(bot.log, /trying once more/);
    assert.deepEqual(ytdlp.starts(), [], "every extraction went through a helper: no yt-dlp command started");
  },
);

worldTest(
  "a YouTube link plays through the warm helper, also after the helper is killed mid-extraction",
  async (world) => {
    const youtube = await FakeYoutube.create(world, {
      videos: [
        { id: "warmHelper1", title: "Warm Hum", frequencyHz: 450, seconds: 3 },
        { id: "killedHelp2", title: "Killed Hum", frequencyHz: 650, seconds: 3 },
      ],
    });
    const bot = await world.startBot({ ...youtube.env, TRAZOM_PLAY_RATE: "off" });
    await playAndHear(world, youtube.watchUrl("warmHelper1"), 2);

    const hold = await holdExtractions(youtube);
    world.play(youtube.watchUrl("killedHelp2"));
    await waitUntil(() => hold.held() === 1, "the helper is extracting the second video");
    for (const pid of helpersOf(bot)) Deno.kill(pid, "SIGKILL");
    await waitUntil(() => hold.held() === 2, "a fresh helper tried again");
    await hold.release();
    const from = world.voice.audioPackets().length;
    await audioAfter(world.voice, from, packetsFor(2), 60_000);
    const runs = youtube.invocations();
    assert.ok(runs.some((run) => run.request.kind === "video" && run.request.videoId === "killedHelp2"));
    assert.deepEqual(runs.filter((run) => run.via !== "helper"), [], "no one-off yt-dlp run");
  },
);

worldTest("a bot killed with SIGKILL leaves no yt-dlp helper behind", async (world) => {
  const bot = await world.startBot();
  // The resolver names yt-dlp's version once its helper has greeted: that one at least is past its start.
  await bot.waitForOutput(/yt-dlp .*YouTube supported/, 30_000);
  await waitUntil(() => helpersOf(bot).length >= 2, "both workers' helpers are running");
  const helpers = helpersOf(bot);
  await bot.kill();
  await waitUntil(() => helpers.every((pid) => !isAlive(pid)), "every helper ended with the bot", 10_000);
});

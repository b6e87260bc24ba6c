/**
 * Sources beyond a plain YouTube search, end to end through the fake yt-dlp: an old yt-dlp named in the log
 * and in the reply to a YouTube /play, SoundCloud and Bandcamp links played like YouTube links, and a query
 * of invisible characters answered politely.
 */
import assert from "node:assert/strict";
import { answerText, privateAnswer } from "./bot_answers.ts";
import { FakeYoutube } from "../fakes/fake_youtube.ts";
import { worldTest } from "./with_world.ts";
import { waitForTone } from "./received_audio.ts";

const TIDE = {
  id: "1234567890",
  title: "Tide Pools",
  frequencyHz: 500,
  seconds: 2,
  site: { name: "soundcloud" as const, pageUrl: "https://soundcloud.com/shore-band/tide-pools" },
};
const EMBER = {
  id: "987654321",
  title: "Ember",
  frequencyHz: 800,
  seconds: 2,
  site: { name: "bandcamp" as const, pageUrl: "https://coal-choir.bandcamp.com/track/ember" },
};
const HUM = { id: "morningHum1", title: "Morning Hum", frequencyHz: 300, seconds: 2 };

worldTest(
  "an old yt-dlp is named in the log and in the reply to a YouTube /play; SoundCloud still plays",
  async (world) => {
    const youtube = await FakeYoutube.create(world, {
      version: "2023.03.04",
      videos: [HUM, TIDE],
      searches: { "morning hum": [HUM.id] },
    });
    const bot = await world.startBot(youtube.env);
    await bot.waitForOutput(
      /yt-dlp 2023\.03\.04 is too old for YouTube.*pip install -U "yt-dlp\[default\]"/,
      30_000,
    );

    const reply = await privateAnswer(world.play("morning hum"));
    assert.ok(/yt-dlp \(2023\.03\.04\) is too old to play from YouTube/.test(reply), reply);
    assert.ok(reply.includes('pip install -U "yt-dlp[default]"'), reply);
    assert.equal(
      youtube.requests("search").length + youtube.innertube.searches.length,
      0,
      "no search at all",
    );

    const since = Date.now();
    const played = await answerText(world.play(TIDE.site.pageUrl));
    assert.ok(played.includes("Tide Pools"), played);
    await waitForTone(world.voice, since, TIDE.frequencyHz, {
      candidatesHz: [TIDE.frequencyHz],
      dir: world.dataDir,
    });
    assert.ok(
      youtube.invocations().every((run) => !run.args.includes("--js-runtimes")),
      "an old yt-dlp is never given --js-runtimes",
    );
  },
);

worldTest(
  "SoundCloud and Bandcamp links play like YouTube links, with the operator's cookies; odd text gets a reply",
  async (world) => {
    const youtube = await FakeYoutube.create(world, { version: "2026.08.19", videos: [TIDE, EMBER] });
    const cookies = `${world.dataDir}/operator-cookies-${crypto.randomUUID()}.txt`;
    await Deno.writeTextFile(cookies, "# Netscape HTTP Cookie File\n");
    await world.startBot({
      ...youtube.env,
      YTDLP_COOKIES: cookies,
      YTDLP_ARGS: `--extractor-args "soundcloud:formats=http_mp3"`,
    });

    const invisible = await privateAnswer(world.play("\u0000\u0001"));
    assert.ok(/no words to search for in "\\u0000\\u0001"/.test(invisible), invisible);

    const since = Date.now();
    const first = await answerText(world.play("soundcloud.com/shore-band/tide-pools?si=shared"));
    assert.ok(/Tide Pools/.test(first) && first.includes("0:02"), first);
    const second = await answerText(world.play(EMBER.site.pageUrl));
    assert.ok(/^Queued .*Ember.*\(0:02\)/.test(second), second);

    const tones = { candidatesHz: [TIDE.frequencyHz, EMBER.frequencyHz], dir: world.dataDir };
    const tide = await waitForTone(world.voice, since, TIDE.frequencyHz, tones);
    const ember = await waitForTone(world.voice, since, EMBER.frequencyHz, tones);
    assert.ok(tide.index < ember.index, "in the order asked");

    // One extraction per track: the metadata run named the audio, which is fetched without another run.
    const runs = youtube.requests("site");
    assert.deepEqual(runs.map((request) => request.url), [TIDE.site.pageUrl, EMBER.site.pageUrl]);
    assert.ok(runs.every((request) => request.output === undefined), "no yt-dlp download");
    for (const track of [TIDE, EMBER]) {
      assert.equal(world.media.count(`youtube-${track.id}.mp3`), 1, `${track.title}'s audio, fetched once`);
    }
    const metadata = youtube.invocations().find((run) => run.request.kind === "site");
    assert.ok(metadata?.args.includes("--js-runtimes"), "a current yt-dlp is given the bot's Deno");
    for (const run of youtube.invocations().filter((run) => run.request.kind === "site")) {
      assert.match(
        run.args[run.args.indexOf("--cookies") + 1],
        /\/private\/cookies-[^/]+\.txt$/,
        "metadata and downloads get a private copy of the cookies",
      );
      assert.equal(run.args[run.args.indexOf("--extractor-args") + 1], "soundcloud:formats=http_mp3");
    }
    assert.ok(!world.botOutput.includes(cookies), "the cookies file is never logged");
    assert.equal(
      await Deno.readTextFile(cookies),
      "# Netscape HTTP Cookie File\n",
      "the operator's file is only read",
    );
  },
);

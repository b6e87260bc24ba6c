/**
 * YouTube end to end, against a fake YouTube served by a fake yt-dlp: search words, every kind of video
 * link, playlists and their cap, unavailable videos, autocomplete suggestions and autoplay. Each video is a
 * different tone, so what was played is read back from the audio the voice server received.
 */
import { answerText, privateAnswer } from "./bot_answers.ts";
import assert from "node:assert/strict";
import { FakeYoutube } from "../fakes/fake_youtube.ts";
import { askUntil } from "../fakes/wait_until.ts";
import { worldTest } from "./with_world.ts";
import { TestWorld } from "./test_world.ts";
import { audioAfter, packetsFor, toneOrder } from "./received_audio.ts";

const AUTOCOMPLETE_RESULT = 8;

/** `waiting`, unless a track fails first: the channel is then told why, and that reason is the error. */
async function unlessTrackFails<T>(world: TestWorld, waiting: Promise<T>): Promise<T> {
  const failed = world.discord.waitForChannelMessage((m) => /^Skipping/.test(String(m.body.content)), 90_000)
    .then((message) => Promise.reject(new Error(`A track failed: ${message.body.content}`)));
  failed.catch(() => {});
  return await Promise.race([waiting, failed]);
}

/** Waits until `seconds` of audio arrived after packet `from`, then a little silence, and reads the tones. */
async function heardTones(world: TestWorld, from: number, seconds: number, tones: readonly number[]) {
  await unlessTrackFails(world, audioAfter(world.voice, from, packetsFor(seconds) - 20, 60_000));
  await quietFor(world, 1_500);
  return await toneOrder(world.voice.audioPackets().slice(from), world.dataDir, tones);
}

/** Resolves once no audio has arrived for `ms`; polled, since silence brings no event to wake a waiter. */
async function quietFor(world: TestWorld, ms: number, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() - (world.voice.audioPackets().at(-1)?.receivedAt ?? 0) < ms) {
    if (Date.now() > deadline) throw new Error(`The music did not stop within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const SECONDS = 2;
const LINK_TONES = {
  searchBest: 300,
  searchOther: 400,
  watch: 500,
  shortLink: 600,
  shorts: 700,
  listFirst: 800,
  listSecond: 900,
  listThird: 1000,
};

worldTest(
  "search words, YouTube links and a capped playlist play the right videos in order; dead links explained",
  async (world, t) => {
    const video = (id: string, title: string, frequencyHz: number) => ({
      id,
      title,
      frequencyHz,
      seconds: SECONDS,
    });
    const youtube = await FakeYoutube.create(world, {
      videos: [
        video("searchBest1", "Morning Hum", LINK_TONES.searchBest),
        video("searchOthr2", "Morning Hum Remix", LINK_TONES.searchOther),
        video("watchLink01", "Watched Hum", LINK_TONES.watch),
        video("youtuBeLnk1", "Short Link Hum", LINK_TONES.shortLink),
        video("shortsLink1", "Shorts Hum", LINK_TONES.shorts),
        video("listFirst01", "First Of Three", LINK_TONES.listFirst),
        video("listSecnd02", "Second Of Three", LINK_TONES.listSecond),
        video("listThird03", "Third Of Three", LINK_TONES.listThird),
      ],
      playlists: [{
        id: "PLthreeHumsInARow",
        title: "Three Hums",
        videoIds: ["listFirst01", "listSecnd02", "listThird03"],
      }],
      searches: { "morning hum": ["searchBest1", "searchOthr2"] },
    });
    // Six /play in a few seconds: more than the default per-user rate allows.
    await world.startBot({ ...youtube.env, TRAZOM_PLAYLIST_LIMIT: "2", TRAZOM_PLAY_RATE: "off" });
    const from = world.voice.audioPackets().length;

    await t.step("search words queue the best match, named in the reply", async () => {
      const reply = await answerText(world.play("Morning hum"));
      assert.ok(/Morning Hum\*\*/.test(reply) && !/Remix/.test(reply), reply);
      assert.ok(reply.includes(youtube.watchUrl("searchBest1")), reply);
      assert.deepEqual(youtube.innertube.searches.map((search) => search.query), ["Morning hum"]);
      assert.equal(youtube.requests("search").length, 0, "found in process, with no yt-dlp run");
    });

    await t.step("watch, youtu.be and shorts links queue their videos", async () => {
      const links = [
        [youtube.watchUrl("watchLink01"), "Watched Hum"],
        ["https://youtu.be/youtuBeLnk1?si=shared", "Short Link Hum"],
        ["https://www.youtube.com/shorts/shortsLink1", "Shorts Hum"],
      ];
      for (const [link, title] of links) {
        const reply = await answerText(world.play(link));
        assert.ok(reply.includes(title), reply);
      }
    });

    await t.step(
      "a playlist beyond TRAZOM_PLAYLIST_LIMIT queues only the first two, and says so",
      async () => {
        const reply = await answerText(
          world.play("https://www.youtube.com/playlist?list=PLthreeHumsInARow"),
        );
        assert.ok(/Queued 2 tracks/.test(reply), reply);
        assert.ok(/first 2/.test(reply), `the reply states the cap: ${reply}`);
      },
    );

    await t.step("an unavailable video gets a private reply saying so", async () => {
      const text = await privateAnswer(world.play(youtube.watchUrl("goneGoneGo1")));
      assert.ok(/unavailable/i.test(text), text);
    });

    await t.step("the channel hears each video once, in the order asked, and no more", async () => {
      const tones = Object.values(LINK_TONES);
      const heard = await heardTones(world, from, 6 * SECONDS, tones);
      assert.deepEqual(heard, [
        LINK_TONES.searchBest,
        LINK_TONES.watch,
        LINK_TONES.shortLink,
        LINK_TONES.shorts,
        LINK_TONES.listFirst,
        LINK_TONES.listSecond,
      ]);
      // One extraction per track: links were extracted when queued, and that extraction named the audio,
      // fetched directly; search and playlist entries (listed, never extracted) are extracted by a warm
      // yt-dlp helper when they are about to play, and their audio fetched directly too: no download run.
      assert.deepEqual(youtube.requests("download"), []);
      for (const id of ["listFirst01", "listSecnd02", "searchBest1"]) {
        const runs = youtube.invocations().filter((run) =>
          run.request.kind === "video" && run.request.videoId === id
        );
        assert.equal(runs.length, 1, id);
        assert.equal(runs[0].via, "helper", id);
        const proxy = runs[0].args[runs[0].args.indexOf("--proxy") + 1];
        assert.ok(/^http:\/\/127\.0\.0\.1:\d+$/.test(proxy ?? ""), "through the egress proxy");
        assert.equal(world.media.count(`youtube-${id}.mp3`), 1, `${id}'s audio fetched once, directly`);
      }
      for (const id of ["watchLink01", "youtuBeLnk1", "shortsLink1"]) {
        assert.equal(youtube.requests("video").filter((request) => request.videoId === id).length, 1, id);
        assert.equal(world.media.count(`youtube-${id}.mp3`), 1, `${id}'s audio fetched once, directly`);
      }
    });
  },
);

worldTest(
  "autocomplete suggests search results from YouTube's web API, and the same words do not search again",
  async (world) => {
    const youtube = await FakeYoutube.create(world, EVENING_HUMS);
    await world.startBot(youtube.env);
    const type = typer(world);

    const response = await suggestionsFor(type, "evening hum");
    assert.equal(response.type, AUTOCOMPLETE_RESULT);
    assert.deepEqual((response.data as { choices?: unknown }).choices, [
      { name: "Evening Hum (1:05)", value: youtube.watchUrl("eveningHum1") },
      { name: "Evening Hum (Slow) (0:02)", value: youtube.watchUrl("eveningHum2") },
    ]);
    assert.deepEqual(youtube.innertube.searches.map((search) => search.query), ["evening hum"]);
    assert.equal(youtube.requests("search").length, 0, "no yt-dlp process was started for it");

    const again = await type("evening hum").waitForResponse(30_000);
    assert.equal(again.type, AUTOCOMPLETE_RESULT);
    assert.deepEqual(again.data, response.data);
    assert.equal(youtube.innertube.searches.length, 1, "the second answer came from memory");
  },
);

worldTest(
  "when YouTube's web API fails, suggestions come from yt-dlp, and the log says why once",
  async (world) => {
    const youtube = await FakeYoutube.create(world, EVENING_HUMS);
    youtube.innertube.behave({ answer: "status", status: 503 });
    const bot = await world.startBot(youtube.env);
    const type = typer(world);

    const response = await suggestionsFor(type, "evening hum");
    assert.deepEqual((response.data as { choices?: unknown }).choices, [
      { name: "Evening Hum (1:05)", value: youtube.watchUrl("eveningHum1") },
      { name: "Evening Hum (Slow) (0:02)", value: youtube.watchUrl("eveningHum2") },
    ]);
    assert.equal(youtube.innertube.searches.length, 1);
    assert.equal(youtube.requests("search").length, 1, "yt-dlp searched instead");
    await bot.waitForOutput(/In-process YouTube search failed \(.*503.*\); yt-dlp searches instead/, 30_000);

    // Resting: the next words go straight to yt-dlp.
    await suggestionsFor(type, "evening hum slow");
    assert.equal(youtube.innertube.searches.length, 1, "the failing web API is not asked again at once");
    assert.equal(youtube.requests("search").length, 2);
    assert.equal(bot.log.match(/In-process YouTube search failed/g)?.length, 1);
  },
);

const EVENING_HUMS = {
  videos: [
    { id: "eveningHum1", title: "Evening Hum", frequencyHz: 300, seconds: 65 },
    { id: "eveningHum2", title: "Evening Hum (Slow)", frequencyHz: 400, seconds: 2 },
  ],
  searches: { "evening hum": ["eveningHum1", "eveningHum2"], "evening hum slow": ["eveningHum2"] },
};

/** Sends what Alice has typed into /play so far, as an autocomplete request. */
function typer(world: TestWorld) {
  return (words: string) =>
    world.discord.sendAutocomplete({
      name: "play",
      options: [{ name: "query", type: 3, value: words, focused: true }],
      userId: world.alice,
    });
}

/**
 * The suggestions for `words`. Answered within Discord's three seconds by design (a pause, then at most 2.2 s
 * of search); a machine too busy for that answers with the typed words while the search goes on and is
 * remembered, so the words are sent again until its answer comes.
 */
async function suggestionsFor(type: ReturnType<typeof typer>, words: string) {
  const sentAt = Date.now();
  let first = true;
  return await askUntil(
    async () => {
      const response = await type(words).waitForResponse(30_000);
      if (first) console.log(`autocomplete for "${words}" answered in ${Date.now() - sentAt} ms`);
      first = false;
      return isTyped(response, words) ? undefined : response;
    },
    `suggestions for "${words}"`,
    { everyMs: 200 },
  );
}

/** An answer that offers the words back as typed (the search was not done in time). */
function isTyped(response: { data?: unknown }, words: string): boolean {
  const choices = (response.data as { choices?: { value: string }[] }).choices ?? [];
  return choices.length === 1 && choices[0].value === words;
}

const RADIO = {
  seed: { id: "radioSeed01", title: "Seed Hum", frequencyHz: 300, seconds: 3 },
  pick: { id: "radioPick02", title: "Picked Hum", frequencyHz: 500, seconds: 4 },
  person: { id: "personReq03", title: "Asked For Hum", frequencyHz: 700, seconds: 3 },
  later: { id: "radioLater4", title: "Later Hum", frequencyHz: 900, seconds: 3 },
};

worldTest(
  "autoplay continues from the radio with something not played recently; people's requests go first",
  async (world) => {
    const { seed, pick, person, later } = RADIO;
    const youtube = await FakeYoutube.create(world, {
      videos: [seed, pick, person, later],
      // Every mix starts with its seed; whichever seeds the bot uses, the next unplayed pick is the same.
      radios: {
        [seed.id]: [pick.id, later.id],
        [pick.id]: [seed.id, later.id],
        [person.id]: [seed.id, pick.id, later.id],
      },
    });
    await world.startBot(youtube.env);
    const from = world.voice.audioPackets().length;
    await answerText(world.play(youtube.watchUrl(seed.id)));
    const on = await answerText(
      world.discord.sendCommand({
        name: "autoplay",
        options: [{ name: "mode", type: 3, value: "on" }],
        userId: world.alice,
      }),
    );
    assert.ok(/autoplay is on/i.test(on), on);
    const told = await unlessTrackFails(
      world,
      world.discord.waitForChannelMessage((m) => /autoplay pick/i.test(String(m.body.content)), 30_000),
    );
    assert.ok(String(told.body.content).includes(pick.title), String(told.body.content));
    assert.ok(
      youtube.requests("radio").some((radio) => radio.seedId === seed.id),
      "the seed's mix was asked for",
    );

    // Well into the autoplay pick, a person asks for a song: it plays before any further autoplay track.
    await audioAfter(world.voice, from, packetsFor(seed.seconds + 1), 30_000);
    await answerText(world.play(youtube.watchUrl(person.id), world.alice));

    const total = seed.seconds + pick.seconds + person.seconds + later.seconds;
    const tones = [seed, pick, person, later].map((video) => video.frequencyHz);
    const heard = await heardTones(world, from, total, tones);
    assert.deepEqual(
      heard,
      tones,
      "seed, its radio's pick, the person's song, then the next unplayed pick",
    );
  },
);

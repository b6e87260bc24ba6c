/**
 * yt-dlp's version, read at start-up, decides what every run is given: a stand-in that reports an old
 * version is named too old (in the log line and in the reply to a YouTube request) and never gets
 * `--js-runtimes`; a current one gets the bot's own Deno, the operator's cookies file and extra arguments.
 */
import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import type { ResolverAnswer, ResolverSettings } from "../../../lib/channels/resolver_messages.ts";
import { createQueryResolver } from "../../../lib/sources/query_resolver.ts";
import {
  assertYoutubeReady,
  probeYtdlpVersion,
  readYtdlpVersion,
  versionLogLine,
} from "../../../lib/sources/ytdlp_version.ts";
import type { Catalog, CatalogVideo } from "../../fakes/fake_youtube_catalog.ts";
import { FakeYoutube } from "../../fakes/fake_youtube.ts";
import { rejectsWithUserError } from "./spotify_test_helpers.ts";

Deno.test("readYtdlpVersion tells releases before 2025.11.12 from later ones", () => {
  assert.deepEqual(readYtdlpVersion("2023.03.04\n"), { status: "old", version: "2023.03.04" });
  assert.deepEqual(readYtdlpVersion("2025.10.22"), { status: "old", version: "2025.10.22" });
  assert.deepEqual(readYtdlpVersion("2025.11.12"), { status: "current", version: "2025.11.12" });
  assert.deepEqual(readYtdlpVersion("2026.08.19"), { status: "current", version: "2026.08.19" });
  assert.deepEqual(readYtdlpVersion("2026.1.5.232300"), { status: "current", version: "2026.1.5.232300" });
  assert.deepEqual(readYtdlpVersion("my-fork 1.0"), { status: "unknown", version: "my-fork" });
});

Deno.test("the log line names an old version, the minimum and how to update", () => {
  const line = versionLogLine({ status: "old", version: "2023.03.04" });
  assert.equal(line.level, "warn");
  assert.ok(/2023\.03\.04 is too old for YouTube/.test(line.text), line.text);
  assert.ok(line.text.includes('pip install -U "yt-dlp[default]"'), line.text);
  assert.equal(versionLogLine({ status: "current", version: "2026.08.19" }).level, "info");
  assert.throws(() => assertYoutubeReady({ status: "old", version: "2023.03.04" }), /too old/);
  assertYoutubeReady({ status: "current", version: "2026.08.19" });
});

Deno.test("a yt-dlp that cannot be run is reported, and looked for again next time", async () => {
  const path = join(await Deno.makeTempDir(), "no-yt-dlp-here");
  assert.deepEqual(await probeYtdlpVersion(path), { status: "missing", path });
  await rejectsWithUserError(
    Promise.resolve().then(async () => assertYoutubeReady(await probeYtdlpVersion(path))),
    /can't run yt-dlp.*pip install -U "yt-dlp\[default\]"/,
  );
  await Deno.writeTextFile(path, "#!/bin/sh\necho 2026.08.19\n", { mode: 0o755 });
  assert.deepEqual(await probeYtdlpVersion(path), { status: "current", version: "2026.08.19" });
});

const MORNING: CatalogVideo = {
  id: "morningHum1",
  title: "Morning Hum",
  durationSeconds: 125,
  mediaUrl: "http://127.0.0.1:9/none.mp3",
};
const TIDE: CatalogVideo = {
  id: "1234567890",
  title: "Tide Pools",
  durationSeconds: 201,
  mediaUrl: "http://127.0.0.1:9/none.mp3",
  site: { name: "soundcloud", pageUrl: "https://soundcloud.com/shore-band/tide-pools" },
};
const EMBER: CatalogVideo = {
  id: "987654321",
  title: "Ember",
  durationSeconds: 99,
  mediaUrl: "http://127.0.0.1:9/none.mp3",
  site: { name: "bandcamp", pageUrl: "https://coal-choir.bandcamp.com/track/ember" },
};

/** A resolver over a fake yt-dlp that reports `version`. */
async function withResolver(
  version: string,
  test: (
    ask: (query: string) => Promise<ResolverAnswer>,
    youtube: FakeYoutube,
    dir: string,
  ) => Promise<void>,
  operator: ResolverSettings["ytdlpOperator"] = { extraArgs: [] },
) {
  const dir = await Deno.makeTempDir({ prefix: "ytdlp_version_test_" });
  const catalog: Catalog = {
    videos: [MORNING, TIDE, EMBER],
    playlists: [],
    radios: {},
    searches: { "morning hum": [MORNING.id] },
    logPath: join(dir, "log.jsonl"),
    realYtdlp: "yt-dlp",
    version,
  };
  const youtube = await FakeYoutube.fromCatalog(dir, catalog);
  const resolve = await createQueryResolver({
    ytdlpPath: youtube.env.YTDLP_PATH,
    ytdlpOperator: operator,
    allowPrivateUrls: false,
    playlistLimit: 10,
    spotify: {
      apiUrl: "http://127.0.0.1:9",
      accountsUrl: "http://127.0.0.1:9",
      embedUrl: "http://127.0.0.1:9",
    },
    youtubeUrl: youtube.env.YOUTUBE_URL,
    kvPath: join(dir, "kv.sqlite"),
  });
  try {
    await test((query) => resolve({ kind: "resolve", query }, new AbortController().signal), youtube, dir);
  } finally {
    await youtube.close();
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("an old yt-dlp: YouTube requests are refused with how to update, other sites still play", () =>
  withResolver("2023.03.04", async (ask, youtube) => {
    const answer = await ask("morning hum");
    assert.equal(answer.outcome, "failed");
    assert.ok(
      answer.outcome === "failed" && /yt-dlp \(2023\.03\.04\) is too old/.test(answer.message) &&
        answer.message.includes('pip install -U "yt-dlp[default]"') && answer.userFacing,
      JSON.stringify(answer),
    );
    assert.equal(youtube.requests("search").length, 0, "no search was even tried");
    assert.equal(youtube.innertube.searches.length, 0, "not even in process");
    const tide = await ask(TIDE.site!.pageUrl);
    assert.equal(tide.outcome, "tracks", JSON.stringify(tide));
    const site = youtube.invocations().find((run) => run.request.kind === "site");
    assert.ok(site && !site.args.includes("--js-runtimes"), "an old version is not given --js-runtimes");
  }));

Deno.test("a current yt-dlp gets the bot's Deno, a private copy of the cookies file and the operator's arguments", async () => {
  const cookies = await Deno.makeTempFile({ suffix: ".txt" });
  const operatorCookies = "# Netscape HTTP Cookie File\n.youtube.com\tTRUE\t/\tTRUE\t0\tPREF\tf6=40000000\n";
  await Deno.writeTextFile(cookies, operatorCookies);
  const privateDir = await Deno.makeTempDir();
  const operator = {
    cookiesPath: cookies,
    privateDir,
    extraArgs: ["--extractor-args", "youtube:player_client=web_safari"],
  };
  try {
    await withResolver("2026.08.19", async (ask, youtube) => {
      const answer = await ask(youtube.watchUrl(MORNING.id));
      assert.equal(answer.outcome, "tracks", JSON.stringify(answer));
      const [lookup] = youtube.invocations().filter((run) => run.request.kind === "video");
      const value = (flag: string) => lookup.args[lookup.args.indexOf(flag) + 1];
      assert.equal(value("--js-runtimes"), `deno:${Deno.execPath()}`);
      assert.equal(dirname(value("--cookies")), privateDir, "yt-dlp gets a private copy");
      assert.equal(value("--extractor-args"), "youtube:player_client=web_safari");
      assert.equal(await Deno.readTextFile(cookies), operatorCookies, "the operator's file is only read");
      assert.deepEqual(await Array.fromAsync(Deno.readDir(privateDir)), [], "the copy is gone after the run");
    }, operator);
  } finally {
    await Deno.remove(cookies);
    await Deno.remove(privateDir, { recursive: true });
  }
});

Deno.test("SoundCloud and Bandcamp links become tracks keyed by site and id, with title and duration", () =>
  withResolver("2026.08.19", async (ask) => {
    const tide = await ask("soundcloud.com/shore-band/tide-pools?si=abc");
    assert.ok(tide.outcome === "tracks" && tide.tracks.length === 1, JSON.stringify(tide));
    const { media, ...track } = tide.tracks[0];
    assert.deepEqual(track, {
      source: { kind: "site", site: "soundcloud", id: TIDE.id, url: TIDE.site!.pageUrl },
      title: "Tide Pools",
      url: TIDE.site!.pageUrl,
      durationSeconds: 201,
    });
    assert.equal(media?.url, TIDE.mediaUrl, "the audio the extraction found goes along");
    const ember = await ask(EMBER.site!.pageUrl);
    assert.deepEqual(ember.outcome === "tracks" && ember.tracks[0].source, {
      kind: "site",
      site: "bandcamp",
      id: EMBER.id,
      url: EMBER.site!.pageUrl,
    });
    const gone = await ask("https://soundcloud.com/shore-band/not-there");
    assert.equal(gone.outcome, "failed");
  }));

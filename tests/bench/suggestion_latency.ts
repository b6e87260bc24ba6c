/**
 * Section 7, suggestions while typing. On a warm bot (its workers started, one suggestion already given):
 * the time from a keystroke that Discord sends as an autocomplete request to the suggestions arriving at
 * Discord's REST API, through the in-process search against the fake YouTube web API on loopback. Beside
 * it, in the same run: the in-process search call alone, and what a yt-dlp search costs before YouTube has
 * said a word (its process start, and a whole search whose first request fails, no network being reachable
 * here), which is what every suggestion cost before. YouTube's own answer time comes on top of both paths
 * and cannot be measured here.
 */
import { SUGGESTION_DEBOUNCE_MS } from "../../lib/sources/suggestion_search.ts";
import { guardedYtdlpJson } from "../../lib/sources/guarded_ytdlp.ts";
import { searchArgs } from "../../lib/sources/ytdlp_args.ts";
import { createYoutubeSearch } from "../../lib/sources/youtube_search.ts";
import { TestWorld } from "../e2e/test_world.ts";
import { FakeYoutube } from "../fakes/fake_youtube.ts";
import type { Report } from "./report.ts";
import { median } from "./stats.ts";

const RUNS = 7;
const ANSWER_TIMEOUT_MS = 30_000;
const AUTOCOMPLETE_RESULT = 8;

/** Times the paths and adds the section. */
export async function reportSuggestionLatency(report: Report, progress: (message: string) => void) {
  progress("suggestion latency: keystroke to suggestions on a warm bot");
  const { keystrokeMs, searchCallMs } = await measureWarmBot();
  progress("suggestion latency: yt-dlp start and an offline yt-dlp search");
  const startMs: number[] = [];
  const ytdlpSearchMs: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    startMs.push(
      await timed(() => new Deno.Command("yt-dlp", { args: ["--version"], stdout: "null" }).output()),
    );
    // Every name fails to resolve in the egress proxy: no request leaves the machine.
    const offline = { allowPrivate: false, lookup: () => Promise.reject(new Error("offline")) };
    ytdlpSearchMs.push(
      await timed(() =>
        guardedYtdlpJson((common) => searchArgs("never gonna", 5, common), {
          ytdlpPath: "yt-dlp",
          policy: offline,
          timeoutMs: 60_000,
        }).catch(() => {})
      ),
    );
  }

  report.section("7. Suggestions while typing (target: within 500 ms of the last keystroke, warm)");
  report.add({
    label: `keystroke → suggestions, warm bot, in-process search, median of ${RUNS}`,
    value: median(keystrokeMs),
    unit: "ms",
    digits: 0,
    target: "≤ 500, plus YouTube's answer time",
  });
  report.add({
    label: `keystroke → suggestions, slowest of ${RUNS}`,
    value: Math.max(...keystrokeMs),
    unit: "ms",
    digits: 0,
  });
  report.add({
    label: "of which the debounce after the last keystroke",
    value: SUGGESTION_DEBOUNCE_MS,
    unit: "ms",
    digits: 0,
  });
  report.add({
    label: `in-process search call alone (youtubei.js, loopback), median of ${RUNS}`,
    value: median(searchCallMs),
    unit: "ms",
    digits: 1,
  });
  report.add({
    label: `baseline: yt-dlp process start, median of ${RUNS}`,
    value: median(startMs),
    unit: "ms",
    digits: 0,
  });
  report.add({
    label: `baseline: yt-dlp search failing at its first request, median of ${RUNS}`,
    value: median(ytdlpSearchMs),
    unit: "ms",
    digits: 0,
    target: "plus YouTube's answer; what each suggestion cost through yt-dlp",
  });
}

/** A bot against the fake YouTube: the keystroke path and the search call, each on words not yet seen. */
async function measureWarmBot(): Promise<{ keystrokeMs: number[]; searchCallMs: number[] }> {
  const world = await TestWorld.start();
  try {
    const words = Array.from({ length: RUNS + 1 }, (_, i) => `evening hum ${i}`);
    const youtube = await FakeYoutube.create(world, {
      videos: [{ id: "eveningHum1", title: "Evening Hum", frequencyHz: 300, seconds: 2 }],
      searches: { "*": ["eveningHum1"] },
    });
    await world.startBot(youtube.env);
    const keystrokeMs: number[] = [];
    for (const [i, text] of words.entries()) {
      const sentAt = performance.now();
      const response = await world.discord.sendAutocomplete({
        name: "play",
        options: [{ name: "query", type: 3, value: text, focused: true }],
        userId: world.alice,
      }).waitForResponse(ANSWER_TIMEOUT_MS);
      const ms = performance.now() - sentAt;
      const choices = (response.data as { choices?: { value: string }[] } | undefined)?.choices ?? [];
      const found = response.type === AUTOCOMPLETE_RESULT &&
        choices[0]?.value === youtube.watchUrl("eveningHum1");
      // The first one warms the bot (its worker's first search); a typed-back answer is not a suggestion.
      if (i > 0) keystrokeMs.push(found ? ms : Number.POSITIVE_INFINITY);
    }
    const search = createYoutubeSearch({ baseUrl: youtube.env.YOUTUBE_URL });
    await search("warm up", 5, new AbortController().signal);
    const searchCallMs: number[] = [];
    for (const text of words) {
      searchCallMs.push(await timed(() => search(text, 5, new AbortController().signal)));
    }
    return { keystrokeMs, searchCallMs };
  } finally {
    await world.close();
  }
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

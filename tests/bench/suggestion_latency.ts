/**
 * Section 7, suggestions while typing: what a yt-dlp search costs before YouTube has said a word (its
 * process start, and a whole search run whose request fails at once, no network being reachable here),
 * beside what the in-process part of the suggestion path adds: the debounce and an answer from memory.
 * There is no in-process YouTube search client to time beside it: YouTube cannot be reached here, so none
 * could be tested honestly, and suggestions stay on yt-dlp.
 */
import { guardedYtdlpJson } from "../../lib/sources/guarded_ytdlp.ts";
import { SuggestionSearch } from "../../lib/sources/suggestion_search.ts";
import { searchArgs } from "../../lib/sources/ytdlp_args.ts";
import type { Report } from "./report.ts";
import { median } from "./stats.ts";

const RUNS = 5;
const DEBOUNCE_MS = 250;

/** Times the pieces and adds the section. */
export async function reportSuggestionLatency(report: Report, progress: (message: string) => void) {
  progress("suggestion latency: yt-dlp start and an offline yt-dlp search");
  const startMs: number[] = [];
  const searchMs: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    startMs.push(
      await timed(() => new Deno.Command("yt-dlp", { args: ["--version"], stdout: "null" }).output()),
    );
    // Every name fails to resolve in the egress proxy: no request leaves the machine.
    const offline = { allowPrivate: false, lookup: () => Promise.reject(new Error("offline")) };
    searchMs.push(
      await timed(() =>
        guardedYtdlpJson((common) => searchArgs("never gonna", 5, common), {
          ytdlpPath: "yt-dlp",
          policy: offline,
          timeoutMs: 60_000,
        }).catch(() => {})
      ),
    );
  }
  const remembered = await rememberedAnswerMs();

  report.section("7. Suggestions while typing (target: within 500 ms of the last keystroke, warm)");
  report.add({
    label: `yt-dlp process start, median of ${RUNS}`,
    value: median(startMs),
    unit: "ms",
    digits: 0,
  });
  report.add({
    label: `yt-dlp search failing at its first request, median of ${RUNS}`,
    value: median(searchMs),
    unit: "ms",
    digits: 0,
    target: "plus YouTube's answer, on every search not remembered",
  });
  report.add({ label: "debounce after the last keystroke", value: DEBOUNCE_MS, unit: "ms", digits: 0 });
  report.add({
    label: `remembered answer (in process), median of ${RUNS}`,
    value: remembered,
    unit: "ms",
    digits: 3,
    target: "well under 1 ms",
  });
}

async function rememberedAnswerMs(): Promise<number> {
  const suggestions = new SuggestionSearch({
    debounceMs: DEBOUNCE_MS,
    search: () =>
      Promise.resolve([{ name: "Never Gonna", value: "https://www.youtube.com/watch?v=aaaaaaaaaaa" }]),
  });
  await suggestions.suggest("bench", "never gonna");
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    samples.push(await timed(() => suggestions.suggest(`user${i}`, "never gonna")));
  }
  return median(samples);
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

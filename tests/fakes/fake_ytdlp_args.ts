/**
 * Reads a yt-dlp command line the way yt-dlp would, far enough to tell what the caller wants from
 * YouTube: a search, one video's metadata, a playlist or radio mix, or a download. Anything else is left
 * to the real yt-dlp.
 */
import { isSiteUrl, isYoutubeUrl, youtubeTarget } from "./fake_youtube_catalog.ts";

/** What one run asks for. */
export type FakeYtdlpRequest =
  | { kind: "search"; text: string; count: number }
  | { kind: "video"; url: string; videoId: string }
  | { kind: "playlist"; url: string; listId: string; items?: string }
  | { kind: "radio"; url: string; seedId: string; items?: string }
  | { kind: "download"; url: string; videoId: string; output: string; proxy?: string }
  /** `--version`, answered from the catalog when it names one. */
  | { kind: "version" }
  /** A SoundCloud or Bandcamp track page: its metadata, or with `output` its audio. */
  | { kind: "site"; url: string; output?: string; proxy?: string }
  | { kind: "unsupported"; url: string }
  | { kind: "passthrough" };

/** Options followed by a value (those the bot uses, and their common aliases). */
const VALUE_OPTIONS = new Set([
  "-f",
  "--format",
  "-o",
  "--output",
  "--proxy",
  "--socket-timeout",
  "--cache-dir",
  "--playlist-items",
  "-I",
  "--max-filesize",
  "-R",
  "--retries",
  "--fragment-retries",
  "--js-runtimes",
  "--cookies",
  "--extractor-args",
  "--user-agent",
]);

/** A command line split into options (name → value, "" for flags) and positional arguments. */
export interface ParsedArgs {
  options: Map<string, string>;
  positionals: string[];
}

/** Splits a command line; everything after `--` is positional, as in yt-dlp. */
export function parseArgs(args: readonly string[]): ParsedArgs {
  const options = new Map<string, string>();
  const positionals: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--") {
      positionals.push(...args.slice(i + 1));
      break;
    }
    const [name, inline] = arg.startsWith("--") && arg.includes("=") ? splitOnce(arg, "=") : [arg, undefined];
    if (!name.startsWith("-") || name === "-") positionals.push(arg);
    else if (inline !== undefined) options.set(name, inline);
    else if (VALUE_OPTIONS.has(name)) options.set(name, args[++i] ?? "");
    else options.set(name, "");
  }
  return { options, positionals };
}

/** What a yt-dlp command line asks the fake for. */
export function classifyRequest(args: readonly string[]): FakeYtdlpRequest {
  const { options, positionals } = parseArgs(args);
  if (options.has("--version")) return { kind: "version" };
  const target = positionals[0];
  if (target === undefined || positionals.length > 1) return { kind: "passthrough" };
  const search = /^ytsearch(\d*):([\s\S]*)$/.exec(target);
  if (search !== null) return { kind: "search", text: search[2], count: Number(search[1] || 1) };
  const output = options.get("-o") ?? options.get("--output");
  if (isSiteUrl(target)) {
    const proxy = options.get("--proxy") || undefined;
    return output === undefined
      ? { kind: "site", url: target }
      : { kind: "site", url: target, output: unescapeOutput(output), proxy };
  }
  if (!isYoutubeUrl(target)) return { kind: "passthrough" };
  const found = youtubeTarget(target);
  if (found === undefined) return { kind: "unsupported", url: target };
  const items = options.get("--playlist-items") ?? options.get("-I");
  if (found.kind === "video" && output !== undefined) {
    const proxy = options.get("--proxy") || undefined;
    return { kind: "download", url: target, videoId: found.videoId, output: unescapeOutput(output), proxy };
  }
  // Like yt-dlp: a watch link inside a list means the list unless --no-playlist says otherwise.
  const listId = found.kind === "playlist" || !options.has("--no-playlist") ? found.listId : undefined;
  if (listId?.startsWith("RDAMVM")) return { kind: "radio", url: target, seedId: listId.slice(6), items };
  if (listId !== undefined) return { kind: "playlist", url: target, listId, items };
  if (found.kind === "video") return { kind: "video", url: target, videoId: found.videoId };
  return { kind: "unsupported", url: target };
}

/** The entries `--playlist-items` selects ("1:3", "2", "1-2,5": 1-based and inclusive), in list order. */
export function selectItems<T>(list: readonly T[], spec: string | undefined): T[] {
  if (spec === undefined || spec === "") return [...list];
  const chosen = new Set<number>();
  for (const part of spec.split(",")) {
    const range = /^(\d*)[:-](\d*)$/.exec(part.trim());
    const [from, to] = range === null ? [Number(part), Number(part)] : [
      Number(range[1] || 1),
      Number(range[2] || list.length),
    ];
    for (let n = from; n <= Math.min(to, list.length); n++) chosen.add(n - 1);
  }
  return list.filter((_, index) => chosen.has(index));
}

/** `-o` is an output template, where "%%" stands for a literal "%". */
function unescapeOutput(template: string): string {
  return template.replaceAll("%%", "%");
}

function splitOnce(text: string, separator: string): [string, string] {
  const at = text.indexOf(separator);
  return [text.slice(0, at), text.slice(at + separator.length)];
}

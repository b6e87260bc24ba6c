/**
 * What an operator may add to every yt-dlp run: a cookies file (YTDLP_COOKIES) and extra arguments
 * (YTDLP_ARGS, split like a shell would). Extra arguments may tune extraction, and nothing else: not the
 * egress proxy, config files, where files go or what programs run. They are an allow-list of full names.
 */

/** The operator's additions, fixed for the bot's life. */
export interface YtdlpOperatorOptions {
  /** A Netscape cookies file passed as `--cookies`; never logged. */
  cookiesPath?: string;
  /** Where each run's private copy of the cookies file goes (the system's temporary folder if unset). */
  privateDir?: string;
  /** Already split and checked by {@linkcode parseYtdlpArgs}. */
  extraArgs: readonly string[];
}

/**
 * The options an operator may give, by full name, with how many values each takes. Only options that tune
 * how pages and media are requested: yt-dlp also accepts any unique abbreviation (`--conf` for
 * `--config-locations`), and those are refused along with every short option.
 */
export const ALLOWED_YTDLP_OPTIONS: ReadonlyMap<string, number> = new Map([
  ["--extractor-args", 1],
  ["--extractor-retries", 1],
  ["--user-agent", 1],
  ["--referer", 1],
  ["--add-headers", 1],
  ["--impersonate", 1],
  ["--xff", 1],
  ["--force-ipv4", 0],
  ["--force-ipv6", 0],
  ["--legacy-server-connect", 0],
  ["--sleep-requests", 1],
  ["--sleep-interval", 1],
  ["--max-sleep-interval", 1],
  ["--retries", 1],
  ["--fragment-retries", 1],
  ["--retry-sleep", 1],
  ["--limit-rate", 1],
  ["--throttled-rate", 1],
  ["--http-chunk-size", 1],
  ["--concurrent-fragments", 1],
  ["--check-formats", 0],
  ["--no-check-formats", 0],
  ["--mark-watched", 0],
  ["--no-mark-watched", 0],
]);

/**
 * Splits YTDLP_ARGS like a POSIX shell (quotes and backslashes, no expansion) and checks each option
 * against {@linkcode ALLOWED_YTDLP_OPTIONS}. Returns the arguments, or a sentence naming what is refused.
 */
export function parseYtdlpArgs(text: string): { args: string[] } | { problem: string } {
  const split = splitLikeShell(text);
  if ("problem" in split) return split;
  const args = split.words;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--") return { problem: `"--" is not allowed: the bot adds the link itself.` };
    if (!arg.startsWith("-")) {
      return { problem: `"${arg}" is not an option; links and values without an option are not allowed.` };
    }
    if (!arg.startsWith("--")) {
      return {
        problem: `"${arg}" is not allowed: write options by their full name (short ones are refused).`,
      };
    }
    const equals = arg.indexOf("=");
    const name = equals < 0 ? arg : arg.slice(0, equals);
    const values = ALLOWED_YTDLP_OPTIONS.get(name);
    if (values === undefined) {
      return {
        problem: `"${name}" is not allowed: only these full option names are accepted: ${
          [...ALLOWED_YTDLP_OPTIONS.keys()].join(", ")
        }.`,
      };
    }
    if (equals >= 0) {
      if (values !== 1) return { problem: `"${name}" takes no value, so "${arg}" is not allowed.` };
      continue;
    }
    if (i + values >= args.length) {
      return { problem: `"${name}" needs ${values} value${values === 1 ? "" : "s"} after it.` };
    }
    i += values;
  }
  return { args };
}

function splitLikeShell(text: string): { words: string[] } | { problem: string } {
  const words: string[] = [];
  let word: string | undefined;
  let quote: "'" | '"' | undefined;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (quote === "'") {
      if (char === "'") quote = undefined;
      else word += char;
    } else if (quote === '"') {
      if (char === '"') quote = undefined;
      else if (char === "\\" && i + 1 < text.length && '"\\$`'.includes(text[i + 1])) word += text[++i];
      else word += char;
    } else if (/\s/.test(char)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (char === "'" || char === '"') {
      quote = char;
      word ??= "";
    } else if (char === "\\") {
      if (i + 1 >= text.length) return { problem: "it ends with a lone backslash." };
      word = (word ?? "") + text[++i];
    } else {
      word = (word ?? "") + char;
    }
  }
  if (quote !== undefined) {
    return { problem: `a ${quote === "'" ? "single" : "double"} quote is never closed.` };
  }
  if (word !== undefined) words.push(word);
  return { words };
}

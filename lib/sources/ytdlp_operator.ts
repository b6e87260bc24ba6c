/**
 * What an operator may add to every yt-dlp run: a cookies file (YTDLP_COOKIES) and extra arguments
 * (YTDLP_ARGS, split like a shell would). Extra arguments may tune extraction, but never undo what keeps
 * the bot safe: the egress proxy, the ignored config files, where files go, or what programs run.
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

/** Options the bot sets itself, or that would let a run reach past the egress proxy or run programs. */
const FORBIDDEN = new Map<string, string>([
  ["--proxy", "the bot sets its own proxy"],
  ["--geo-verification-proxy", "the bot sets its own proxy"],
  ["--source-address", "the bot decides how to connect"],
  ["--exec", "it runs programs"],
  ["--exec-before-download", "it runs programs"],
  ["--downloader", "it runs programs"],
  ["--external-downloader", "it runs programs"],
  ["--downloader-args", "it runs programs"],
  ["--external-downloader-args", "it runs programs"],
  ["--postprocessor-args", "it changes how ffmpeg runs"],
  ["--ppa", "it changes how ffmpeg runs"],
  ["--ffmpeg-location", "it runs programs"],
  ["--netrc-cmd", "it runs programs"],
  ["--plugin-dirs", "it loads code"],
  ["--use-postprocessor", "it loads code"],
  ["--config-location", "the bot ignores config files"],
  ["--config-locations", "the bot ignores config files"],
  ["-a", "it reads URLs from a file"],
  ["--batch-file", "it reads URLs from a file"],
  ["--load-info-json", "it reads a file"],
  ["-o", "the bot decides where files go"],
  ["--output", "the bot decides where files go"],
  ["-P", "the bot decides where files go"],
  ["--paths", "the bot decides where files go"],
  ["--cache-dir", "the bot decides where files go"],
  ["--print-to-file", "the bot decides where files go"],
  ["-U", "updates belong to the operator's package manager"],
  ["--update", "updates belong to the operator's package manager"],
  ["--update-to", "updates belong to the operator's package manager"],
  ["--cookies", "use YTDLP_COOKIES instead"],
  ["--js-runtimes", "the bot passes its own Deno"],
]);

/**
 * Splits YTDLP_ARGS like a POSIX shell (quotes and backslashes, no expansion) and checks each option.
 * Returns the arguments, or a problem to report; a value must follow the option it belongs to.
 */
export function parseYtdlpArgs(text: string): { args: string[] } | { problem: string } {
  const split = splitLikeShell(text);
  if ("problem" in split) return split;
  const args = split.words;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--") return { problem: `"--" is not allowed: the bot adds the link itself.` };
    if (!arg.startsWith("-")) {
      if (i === 0 || !args[i - 1].startsWith("-") || args[i - 1].includes("=")) {
        return { problem: `"${arg}" is not an option; links and values without an option are not allowed.` };
      }
      continue;
    }
    const name = arg.includes("=") ? arg.slice(0, arg.indexOf("=")) : arg;
    const reason = FORBIDDEN.get(name) ??
      (/^-[a-zA-Z]{2,}$/.test(name) ? "write short options apart" : undefined);
    if (reason !== undefined) return { problem: `"${name}" is not allowed (${reason}).` };
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

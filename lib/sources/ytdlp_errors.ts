/**
 * Turns yt-dlp's stderr into a reason a user understands. yt-dlp prints one `ERROR:` line per failure,
 * phrased by the extractor (often quoting YouTube's own words); we match the phrases we know and
 * otherwise quote a cleaned-up version of the line.
 */
import { UserError } from "../user_error.ts";

/** The longest yt-dlp reason quoted back to a user. */
export const MAX_QUOTED_REASON = 150;

/** Known failure phrases, most specific first, and what to tell the user. */
const EXPLANATIONS: readonly (readonly [RegExp, string])[] = [
  [/Unsupported URL/i, "I don't know how to play anything from that link."],
  [
    /Requested format is not available|No video formats found/i,
    "I couldn't find any audio to play at that link.",
  ],
  [/Private video|video is private/i, "That video is private."],
  [
    /confirm your age|age[- ]restricted|inappropriate for some users/i,
    "That video is age-restricted, so I can't play it.",
  ],
  [/not a bot/i, "YouTube wants me to prove I'm not a bot right now; please try again later."],
  [
    /not (?:made this video )?available (?:in|from) your (?:country|location)|geo[- ]?restrict/i,
    "That video isn't available in the bot's country.",
  ],
  [
    /members[- ]only|join this channel|requires payment|premium members/i,
    "That video is only for paying members.",
  ],
  [
    /live event will begin|premieres? in|is_upcoming|stream has not started/i,
    "That premiere or stream has not started yet.",
  ],
  [/\bis (?:currently )?live\b|live streams? (?:is|are) not supported/i, "Live streams are not supported."],
  [/removed|terminated|no longer available|copyright claim|violating/i, "That video has been removed."],
  [/Video unavailable|This video is unavailable|not available/i, "That video is unavailable."],
  [/playlist does not exist|playlist.*(?:private|unviewable)/i, "That playlist doesn't exist or is private."],
  [/larger than max-filesize/i, "That file is too large for me to play."],
  [
    /Tunnel connection failed: 403|HTTP Error 403: Forbidden.*proxy/i,
    "That link led to an address I'm not allowed to fetch.",
  ],
  [/HTTP Error 404/i, "That link leads nowhere (the server answered 404 Not Found)."],
  [/HTTP Error 403/i, "The server refused to give me that (403 Forbidden)."],
  [/HTTP Error 429|Too Many Requests/i, "I'm being rate-limited right now; please try again in a while."],
  [/HTTP Error 5\d\d/i, "The server is having trouble right now; please try again later."],
  [/timed out|timeout/i, "The server took too long to answer."],
  [
    /Name or service not known|getaddrinfo failed|nodename nor servname|No address associated/i,
    "I couldn't find that website.",
  ],
  [/Connection refused|Network is unreachable|Connection reset/i, "I couldn't connect to that website."],
];

/** The UserError to show for a failed yt-dlp run. */
export function explainYtdlpFailure(stderr: string, exitCode: number): UserError {
  // A missing, unwritable or malformed YTDLP_COOKIES file fails every run; the owner must fix it, and the
  // path stays out of the reply.
  if (/[\\/]yt_dlp[\\/]cookies\.py|Netscape format cookies file/.test(stderr)) {
    return new UserError(
      "The bot's yt-dlp cookies file can't be used; ask the bot's owner to check YTDLP_COOKIES.",
    );
  }
  const line = errorLine(stderr);
  // A URL in the message ("…/private-video-here") must not decide which explanation applies.
  const words = line.replace(/\b\w+:\/\/\S+/g, "");
  const known = EXPLANATIONS.find(([pattern]) => pattern.test(words));
  if (known !== undefined) return new UserError(known[1], { cause: new Error(line) });
  const reason = cleanReason(line);
  if (reason === "") return new UserError(`I couldn't get that track (yt-dlp exited with code ${exitCode}).`);
  return new UserError(`I couldn't get that track: "${reason}".`, { cause: new Error(line) });
}

/** The last ERROR line, or the last non-empty line when there is none (a Python traceback, say). */
function errorLine(stderr: string): string {
  const lines = stderr.split(/\r?\n/).map((line) => line.trim()).filter((line) => line !== "");
  return lines.findLast((line) => line.startsWith("ERROR:")) ?? lines.at(-1) ?? "";
}

/** Drops yt-dlp's prefixes and anything that might be private: paths, query strings, exception reprs. */
function cleanReason(line: string): string {
  const cleaned = line
    .replace(/^ERROR:\s*/, "")
    .replace(/^\[[^\]]+\]\s*(?:[\w-]+:\s+)?/, "") // "[youtube] dQw4w9WgXcQ: "
    .replace(/\s*\(caused by .*\)\s*$/i, "")
    .replace(/;?\s*please report this issue.*$/i, "")
    .replace(/(https?:\/\/[^\s?#"']+)[?#][^\s"']*/g, "$1") // tokens live in query strings
    .replace(/(^|[\s"'(=])(?:~|\.{0,2})\/[^\s"')]*/g, "$1…") // file paths
    .replace(/\s+/g, " ")
    .trim();
  return cleaned.length > MAX_QUOTED_REASON ? `${cleaned.slice(0, MAX_QUOTED_REASON - 1)}…` : cleaned;
}

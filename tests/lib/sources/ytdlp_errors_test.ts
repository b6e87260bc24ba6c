import assert from "node:assert/strict";
import { explainYtdlpFailure, MAX_QUOTED_REASON } from "../../../lib/sources/ytdlp_errors.ts";
import { UserError } from "../../../lib/user_error.ts";

// ERROR lines as yt-dlp prints them (the last two recorded from Debian's yt-dlp against a local server).
const KNOWN: readonly [string, RegExp][] = [
  [
    "ERROR: [youtube] dQw4w9WgXcQ: Private video. Sign in if you've been granted access to this video",
    /private/,
  ],
  [
    "ERROR: [youtube] 07FYdnEawAQ: Sign in to confirm your age. This video may be inappropriate for some users.",
    /age-restricted/,
  ],
  [
    "ERROR: [youtube] abcdefghijk: Sign in to confirm you’re not a bot. This helps protect our community.",
    /not a bot/,
  ],
  [
    "ERROR: [youtube] abcdefghijk: Video unavailable. The uploader has not made this video available in your country",
    /country/,
  ],
  ["ERROR: [youtube] abcdefghijk: This video is not available in your country", /country/],
  ["ERROR: [youtube] abcdefghijk: Video unavailable. This video has been removed by the uploader", /removed/],
  [
    "ERROR: [youtube] abcdefghijk: Video unavailable. This video is no longer available because the YouTube account associated with this video has been terminated.",
    /removed/,
  ],
  ["ERROR: [youtube] abcdefghijk: Video unavailable", /unavailable/],
  ["ERROR: [youtube] abcdefghijk: This live event will begin in 3 hours.", /not started yet/],
  ["ERROR: [youtube] abcdefghijk: Premieres in 10 hours", /not started yet/],
  [
    "ERROR: [youtube] abcdefghijk: Join this channel to get access to members-only content like this video",
    /members/,
  ],
  ["ERROR: [youtube:tab] PLxxxxxxxx: YouTube said: The playlist does not exist.", /playlist doesn't exist/],
  [
    "ERROR: [youtube] abcdefghijk: Requested format is not available. Use --list-formats",
    /no.*audio|any audio/,
  ],
  [
    "ERROR: [generic] None: Unable to download webpage: HTTP Error 404: Not Found (caused by <HTTPError 404: 'Not Found'>); please report this issue on  https://github.com/yt-dlp/yt-dlp/issues?q= , filling out the appropriate issue template. Confirm you are on the latest version using  yt-dlp -U",
    /404/,
  ],
  ["ERROR: unable to download video data: HTTP Error 403: Forbidden", /403 Forbidden/],
  ["ERROR: [generic] None: Unable to download webpage: HTTP Error 429: Too Many Requests", /rate-limited/],
  ["ERROR: [generic] None: Unable to download webpage: HTTP Error 503: Service Unavailable", /trouble/],
  [
    "ERROR: [generic] None: Unable to download webpage: <urlopen error timed out> (caused by URLError(TimeoutError('timed out')))",
    /too long/,
  ],
  ["ERROR: Unsupported URL: http://127.0.0.1:18932/page", /don't know how to play/],
  ["ERROR: Unsupported URL: https://example.com/private-video/removed", /don't know how to play/],
  [
    "ERROR: [generic] None: Unable to download webpage: <urlopen error [Errno 111] Connection refused> (caused by URLError(ConnectionRefusedError(111, 'Connection refused')))",
    /couldn't connect/,
  ],
  [
    "ERROR: [generic] None: Unable to download webpage: <urlopen error Tunnel connection failed: 403 Forbidden> (caused by URLError(OSError('Tunnel connection failed: 403 Forbidden')))",
    /not allowed to fetch/,
  ],
];

Deno.test("known yt-dlp errors become reasons a user understands", () => {
  for (const [stderr, expected] of KNOWN) {
    const error = explainYtdlpFailure(`[generic] Extracting URL\n${stderr}\n`, 1);
    assert.ok(error instanceof UserError);
    assert.ok(expected.test(error.message), `${stderr}\n→ ${error.message}`);
  }
});

Deno.test("the last ERROR line decides", () => {
  const stderr = "ERROR: Video unavailable\nsome noise\nERROR: [youtube] abcdefghijk: Private video\n";
  assert.equal(explainYtdlpFailure(stderr, 1).message, "That video is private.");
});

Deno.test("unknown errors are quoted without prefixes, paths or query strings", () => {
  const stderr =
    "ERROR: [weird] xyz123: Could not open /home/bot/.cache/yt-dlp/x.json for https://cdn.example/a.mp3?token=SECRET (caused by OSError(13))";
  const message = explainYtdlpFailure(stderr, 1).message;
  assert.equal(message, `I couldn't get that track: "Could not open … for https://cdn.example/a.mp3".`);
  assert.ok(!message.includes("SECRET") && !message.includes("/home"));
});

Deno.test("long reasons are cut, and silence still gives an answer", () => {
  const long = explainYtdlpFailure(`ERROR: ${"word ".repeat(100)}`, 1).message;
  assert.ok(long.length <= MAX_QUOTED_REASON + 40, long);
  assert.equal(explainYtdlpFailure("", 2).message, "I couldn't get that track (yt-dlp exited with code 2).");
});

Deno.test("a cookies file yt-dlp can't use is the owner's to fix, and its path is not shown", async () => {
  const missing = `/tmp/no-such-dir-${crypto.randomUUID()}/cookies.txt`;
  const output = await new Deno.Command("yt-dlp", {
    args: ["--ignore-config", "--cookies", missing, "-J", "--", "https://127.0.0.1:9/none"],
    stdin: "null",
  }).output();
  const stderr = new TextDecoder().decode(output.stderr);
  assert.notEqual(output.code, 0);
  const error = explainYtdlpFailure(stderr, output.code);
  assert.equal(
    error.message,
    "The bot's yt-dlp cookies file can't be used; ask the bot's owner to check YTDLP_COOKIES.",
  );
  assert.ok(!error.message.includes(missing));
  const malformed = "ERROR: '/srv/c.txt' does not look like a Netscape format cookies file";
  assert.ok(/YTDLP_COOKIES/.test(explainYtdlpFailure(malformed, 1).message));
});

import assert from "node:assert/strict";
import { ALLOWED_YTDLP_OPTIONS, parseYtdlpArgs } from "../../../lib/sources/ytdlp_operator.ts";
import { parseConfig } from "../../../config.ts";

const TOKEN = `${btoa("123456789012345678")}.a.b`;

Deno.test("YTDLP_ARGS is split like a shell splits it", () => {
  assert.deepEqual(
    parseYtdlpArgs(`--extractor-args "youtube:player_client=web,tv" --user-agent 'A B\\'' --force-ipv4`),
    { problem: "a single quote is never closed." },
  );
  assert.deepEqual(
    parseYtdlpArgs(
      `--extractor-args "youtube:player_client=web,tv" --user-agent 'A B' --force-ipv4 --referer\\ x`,
    ),
    { problem: `"--referer x" is not allowed: only these full option names are accepted: ${allowedList}.` },
  );
  assert.deepEqual(
    parseYtdlpArgs(
      `--extractor-args "youtube:player_client=web,tv" --user-agent 'A B' --force-ipv4 --referer x`,
    ),
    {
      args: [
        "--extractor-args",
        "youtube:player_client=web,tv",
        "--user-agent",
        "A B",
        "--force-ipv4",
        "--referer",
        "x",
      ],
    },
  );
  assert.deepEqual(parseYtdlpArgs(`--user-agent "say \\"hi\\""`), { args: ["--user-agent", 'say "hi"'] });
  assert.deepEqual(parseYtdlpArgs("  "), { args: [] });
});

const allowedList = [...ALLOWED_YTDLP_OPTIONS.keys()].join(", ");

Deno.test("YTDLP_ARGS takes only full names from its allow-list, each with its own number of values", () => {
  const refused: [string, RegExp][] = [
    ["--proxy http://elsewhere:8080", /^"--proxy" is not allowed: only these full option names/],
    ["--proxy=http://elsewhere:8080", /^"--proxy" is not allowed/],
    ["--exec 'rm -rf ~'", /^"--exec" is not allowed/],
    ["--config-locations /tmp/x", /^"--config-locations" is not allowed/],
    // Abbreviations yt-dlp would expand, and short options with their value attached.
    ["--conf=/tmp/x", /^"--conf" is not allowed/],
    ["--exec-b=x", /^"--exec-b" is not allowed/],
    ["--extractor-arg youtube:x", /^"--extractor-arg" is not allowed/],
    ["-o/tmp/x", /^"-o\/tmp\/x" is not allowed: write options by their full name/],
    ["-o /etc/passwd", /^"-o" is not allowed/],
    ["-4", /^"-4" is not allowed/],
    ["--cookies /tmp/c.txt", /^"--cookies" is not allowed/],
    ["--alias x y", /^"--alias" is not allowed/],
    ["--max-filesize 1G", /^"--max-filesize" is not allowed/],
    ["--yes-playlist", /^"--yes-playlist" is not allowed/],
    ["--force-ipv4=yes", /"--force-ipv4" takes no value/],
    ["--extractor-args", /"--extractor-args" needs 1 value after it/],
    // A value is counted as the option's, so a second link cannot hide behind a value-less option.
    ["--force-ipv4 https://example.com", /"https:\/\/example.com" is not an option/],
    ["-- https://example.com", /"--" is not allowed/],
    ["https://example.com/song", /not an option/],
    ["-xo /tmp", /^"-xo" is not allowed/],
    ["--dump-json 'trailing", /never closed/],
    ["--force-ipv4 \\", /lone backslash/],
  ];
  for (const [text, problem] of refused) {
    const parsed = parseYtdlpArgs(text);
    assert.ok("problem" in parsed && problem.test(parsed.problem), `${text}: ${JSON.stringify(parsed)}`);
  }
});

Deno.test("the config reads YTDLP_COOKIES and YTDLP_ARGS, and names a bad YTDLP_ARGS", () => {
  const config = parseConfig({
    DISCORD_TOKEN: TOKEN,
    YTDLP_COOKIES: "/srv/trazom/cookies.txt",
    YTDLP_ARGS: "--extractor-args youtube:player_client=web",
  });
  assert.deepEqual(config.ytdlpOperator, {
    cookiesPath: "/srv/trazom/cookies.txt",
    extraArgs: ["--extractor-args", "youtube:player_client=web"],
  });
  assert.deepEqual(parseConfig({ DISCORD_TOKEN: TOKEN }).ytdlpOperator, {
    cookiesPath: undefined,
    extraArgs: [],
  });
  assert.throws(
    () => parseConfig({ DISCORD_TOKEN: TOKEN, YTDLP_ARGS: "--exec whoami" }),
    /YTDLP_ARGS can't be used: "--exec" is not allowed/,
  );
  for (
    const [value, named] of [["--conf=FILE", "--conf"], ["--exec-b=x", "--exec-b"], ["-o/tmp/x", "-o/tmp/x"]]
  ) {
    assert.throws(
      () => parseConfig({ DISCORD_TOKEN: TOKEN, YTDLP_ARGS: value }),
      new RegExp(`YTDLP_ARGS can't be used: "${named}" is not allowed`),
      value,
    );
  }
});

Deno.test("the README names every option YTDLP_ARGS accepts", async () => {
  const readme = await Deno.readTextFile(new URL("../../../README.md", import.meta.url));
  for (const name of ALLOWED_YTDLP_OPTIONS.keys()) assert.ok(readme.includes(`\`${name}\``), name);
});

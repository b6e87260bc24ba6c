import assert from "node:assert/strict";
import { parseYtdlpArgs } from "../../../lib/sources/ytdlp_operator.ts";
import { parseConfig } from "../../../config.ts";

const TOKEN = `${btoa("123456789012345678")}.a.b`;

Deno.test("YTDLP_ARGS is split like a shell splits it", () => {
  assert.deepEqual(
    parseYtdlpArgs(`--extractor-args "youtube:player_client=web,tv" --user-agent 'A B\\'' --force-ipv4`),
    { problem: "a single quote is never closed." },
  );
  assert.deepEqual(
    parseYtdlpArgs(`--extractor-args "youtube:player_client=web,tv" --user-agent 'A B' -4 --sleep\\ x=1`),
    {
      args: [
        "--extractor-args",
        "youtube:player_client=web,tv",
        "--user-agent",
        "A B",
        "-4",
        "--sleep x=1",
      ],
    },
  );
  assert.deepEqual(parseYtdlpArgs(`--user-agent "say \\"hi\\""`), { args: ["--user-agent", 'say "hi"'] });
  assert.deepEqual(parseYtdlpArgs("  "), { args: [] });
});

Deno.test("YTDLP_ARGS may not undo the proxy, run programs, add links or move files", () => {
  const refused: [string, RegExp][] = [
    ["--proxy http://elsewhere:8080", /"--proxy" is not allowed/],
    ["--proxy=http://elsewhere:8080", /"--proxy" is not allowed/],
    ["--exec 'rm -rf ~'", /"--exec" is not allowed \(it runs programs\)/],
    ["--config-locations /tmp/x", /ignores config files/],
    ["-o /etc/passwd", /"-o" is not allowed/],
    ["--cookies /tmp/c.txt", /YTDLP_COOKIES/],
    ["-- https://example.com", /"--" is not allowed/],
    ["https://example.com/song", /not an option/],
    ["-xo /tmp", /write short options apart/],
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
});

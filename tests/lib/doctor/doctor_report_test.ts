/**
 * `deno task doctor` on a good set-up and on a broken one: a missing ffmpeg, a yt-dlp too old for YouTube
 * (a stand-in script printing an old version), a token the fake Discord refuses with 401, and a data
 * folder that cannot be created. The checks run the bot's own code against real tools and the fake REST.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseConfig } from "../../../config.ts";
import { exitCodeOf, formatReport, runChecks } from "../../../lib/doctor/doctor_report.ts";
import { FakeDiscord } from "../../fakes/fake_discord.ts";

interface Setup {
  readonly discord: FakeDiscord;
  readonly dir: string;
  /** A yt-dlp stand-in that answers `--version` with 2023.03.04, as Debian's does. */
  readonly oldYtdlp: string;
  /** A path below a plain file: no folder can be made there, whoever runs the test. */
  readonly unwritable: string;
  readonly wrongToken: string;
}

async function withSetup(test: (setup: Setup) => Promise<void>): Promise<void> {
  const discord = await FakeDiscord.start({ validateBodies: false });
  const dir = await Deno.makeTempDir({ prefix: "trazom_doctor_" });
  try {
    const oldYtdlp = join(dir, "yt-dlp-old");
    await Deno.writeTextFile(oldYtdlp, "#!/bin/sh\necho 2023.03.04\n");
    await Deno.chmod(oldYtdlp, 0o755);
    await Deno.writeTextFile(join(dir, "a-file"), "");
    const wrongToken = `${btoa(discord.guild.botUser.id)}.d3Jvbmc.bm90LXRoZS1yaWdodC10b2tlbg`;
    await test({ discord, dir, oldYtdlp, unwritable: join(dir, "a-file", "data"), wrongToken });
  } finally {
    await discord.close();
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("a good set-up: every check passes and the report says so", () =>
  withSetup(async ({ discord, dir }) => {
    const config = parseConfig({
      DISCORD_TOKEN: discord.botToken,
      DISCORD_API_URL: discord.apiUrl,
      TRAZOM_DATA_DIR: join(dir, "data"),
    });
    const results = await runChecks(config);
    const report = formatReport(results);
    console.log(report);
    assert.deepEqual(results.map((result) => [result.name, result.status]), [
      ["ffmpeg", "ok"],
      ["yt-dlp", "ok"],
      ["Discord token", "ok"],
      ["data folder", "ok"],
      ["cache folder", "ok"],
      ["DAVE", "ok"],
    ]);
    assert.equal(exitCodeOf(results), 0);
    assert.match(report, /yt-dlp: \d{4}\.\d{2}\.\d{2} .*JavaScript runtime deno:/);
    assert.match(report, new RegExp(`client_id=${discord.applicationId}`), "the invite link");
    assert.match(report, /Everything the bot needs is in place\.$/);
    assert.ok(discord.requests.some((request) => request.path.endsWith("/applications/@me")));
    assert.ok(!report.includes(discord.botToken));
  }));

Deno.test("a broken set-up: each problem is named with what to fix, and the exit code is 1", () =>
  withSetup(async ({ discord, oldYtdlp, unwritable, wrongToken }) => {
    const config = parseConfig({
      DISCORD_TOKEN: wrongToken,
      DISCORD_API_URL: discord.apiUrl,
      TRAZOM_DATA_DIR: unwritable,
      FFMPEG_PATH: "/nonexistent/ffmpeg",
      YTDLP_PATH: oldYtdlp,
    });
    const results = await runChecks(config);
    const report = formatReport(results);
    console.log(report);
    const status = Object.fromEntries(results.map((result) => [result.name, result.status]));
    assert.deepEqual(status, {
      "ffmpeg": "fail",
      "yt-dlp": "fail",
      "Discord token": "fail",
      "data folder": "fail",
      "cache folder": "fail",
      "DAVE": "ok",
    });
    assert.equal(exitCodeOf(results), 1);
    assert.match(report, /FAIL {2}ffmpeg: ffmpeg could not be run from "\/nonexistent\/ffmpeg"/);
    assert.match(report, /- ffmpeg: Install ffmpeg .* and point FFMPEG_PATH at it, or unset FFMPEG_PATH/);
    assert.match(
      report,
      /FAIL {2}yt-dlp: yt-dlp 2023\.03\.04 is too old for YouTube \(it needs 2025\.11\.12/,
    );
    assert.match(report, /- yt-dlp: Update it: pip install -U "yt-dlp\[default\]"/);
    assert.match(report, /FAIL {2}Discord token: Discord rejected the bot token \(HTTP 401 Unauthorized\)\./);
    assert.match(report, /- Discord token: Copy DISCORD_TOKEN again/);
    assert.match(report, new RegExp(`FAIL {2}data folder: The folder "${unwritable}" cannot be written to`));
    assert.match(report, /- data folder: .*or set TRAZOM_DATA_DIR to another folder\./);
    assert.match(report, /To fix \(5\):/);
    assert.ok(!report.includes(wrongToken) && !report.includes("bm90LXRoZS1yaWdodC10b2tlbg"));
  }));

Deno.test("deno task doctor reads .env, prints the report and exits 1 when something must be fixed", () =>
  withSetup(async ({ discord, dir, oldYtdlp }) => {
    const envFile = join(dir, "doctor.env");
    await Deno.writeTextFile(
      envFile,
      [
        `DISCORD_TOKEN=${discord.botToken}`,
        `DISCORD_API_URL=${discord.apiUrl}`,
        `TRAZOM_DATA_DIR=${join(dir, "data")}`,
        `YTDLP_PATH=${oldYtdlp}`,
      ].join("\n"),
    );
    const output = await new Deno.Command("deno", {
      args: ["task", "--quiet", "doctor"],
      cwd: fileURLToPath(new URL("../../../", import.meta.url)),
      clearEnv: true,
      env: {
        PATH: Deno.env.get("PATH") ?? "",
        HOME: Deno.env.get("HOME") ?? "/tmp",
        TRAZOM_ENV_FILE: envFile,
      },
      stdin: "null",
    }).output();
    const text = new TextDecoder().decode(output.stdout) + new TextDecoder().decode(output.stderr);
    assert.equal(output.code, 1, text);
    assert.match(text, /^ok {4}ffmpeg: /m);
    assert.match(text, /^FAIL {2}yt-dlp: yt-dlp 2023\.03\.04 is too old/m);
    assert.match(text, /^ok {4}Discord token: accepted/m);
    assert.match(text, /To fix \(1\):\n- yt-dlp: Update it/);
  }));

/**
 * A bot with no yt-dlp on PATH installs its own from the package index (a local stand-in serving wheels
 * this test builds) and plays YouTube with it; started again with a newer release on the index, it
 * installs it beside the old one and uses it; a broken release is kept out and the working one used; the
 * doctor says which yt-dlp runs and why.
 */
import assert from "node:assert/strict";
import { askUntil } from "../fakes/wait_until.ts";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { answerText } from "./bot_answers.ts";
import { BotProcess } from "./bot_process.ts";
import { FakePypi } from "../fakes/fake_pypi.ts";
import { FakeYoutube } from "../fakes/fake_youtube.ts";
import { watchUrl } from "../fakes/fake_youtube_catalog.ts";
import { worldTest } from "./with_world.ts";

/** Where deno, python3, ffmpeg and sh are, and no yt-dlp is. */
const PATH_WITHOUT_YTDLP = "/usr/local/bin:/usr/bin:/bin";

worldTest(
  "without yt-dlp on PATH the bot installs its own, updates it, and keeps it from a broken one",
  async (world) => {
    const youtube = await FakeYoutube.create(world, {
      videos: ["ownVideo001", "ownVideo002", "ownVideo003"].map((id, i) => ({
        id,
        title: `Tone ${i + 1}`,
        frequencyHz: 300 + 200 * i,
        seconds: 2,
      })),
    });
    const index = await FakePypi.start(join(world.dataDir, "index"), youtube.env.YTDLP_PATH);
    world.closeWith(() => index.close());
    const env = {
      PATH: PATH_WITHOUT_YTDLP,
      YOUTUBE_URL: youtube.env.YOUTUBE_URL,
      TRAZOM_PIP_INDEX_URL: index.url,
    };
    /** Starts a bot, waits for `line`, plays `videoId`, and stops the bot; returns what it printed. */
    const run = async (line: RegExp, videoId: string) => {
      const bot = BotProcess.start(world.botEnv(env));
      try {
        await bot.waitForOutput(/Connected to Discord/, 180_000);
        await bot.waitForOutput(line, 180_000);
        // The track the last bot was stopped in is resumed first after a restart, so this one may queue.
        assert.match(await answerText(world.play(watchUrl(videoId))), /Playing|Queued/);
        // Stopped only once yt-dlp has run for it (it is prepared ahead even while queued).
        await askUntil(
          async () => (await index.runVersions(videoId)).length > 0 || undefined,
          `yt-dlp ran for ${videoId}`,
          { boundMs: 60_000 },
        );
        return bot.log;
      } finally {
        await bot.stop();
      }
    };

    await index.publish({ version: "2026.09.01" });
    const first = await run(
      /Using yt-dlp 2026\.09\.01 at ".*yt-dlp\/current\/bin\/yt-dlp" \(installed by the bot/,
      "ownVideo001",
    );
    assert.match(first, /No usable yt-dlp \(none on PATH\): the bot installs its own\./);
    assert.deepEqual(
      new Set(await index.runVersions("ownVideo001")),
      new Set(["2026.09.01"]),
      "the installed one ran",
    );

    await index.publish({ version: "2026.10.01" });
    await run(
      /Switched to yt-dlp 2026\.10\.01; runs already started finish with 2026\.09\.01\./,
      "ownVideo002",
    );
    // (The restored session may start ownVideo001 again before the switch: with the old release, as it should.)
    assert.deepEqual(new Set(await index.runVersions("ownVideo002")), new Set(["2026.10.01"]));

    await index.publish({ version: "2026.11.01", broken: true });
    const third = await run(/yt-dlp 2026\.11\.0?1 failed \(.*\); keeping 2026\.10\.01\./, "ownVideo003");
    assert.match(third, /Using yt-dlp 2026\.10\.01/);
    assert.deepEqual(new Set(await index.runVersions("ownVideo003")), new Set(["2026.10.01"]));

    // The doctor says which yt-dlp the bot runs, and why.
    const doctor = await new Deno.Command("deno", {
      args: ["task", "--quiet", "doctor"],
      cwd: fileURLToPath(new URL("../../", import.meta.url)),
      clearEnv: true,
      env: { ...world.botEnv(env), HOME: Deno.env.get("HOME") ?? "/tmp", NO_COLOR: "1" },
    }).output();
    const report = new TextDecoder().decode(doctor.stdout);
    assert.match(
      report,
      /^ok {4}yt-dlp: 2026\.10\.01 at ".*\/yt-dlp\/current\/bin\/yt-dlp", .*\(installed by the bot in .*, updated daily\)$/m,
    );
  },
);

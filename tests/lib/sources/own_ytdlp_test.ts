/**
 * The bot's own yt-dlp against a local package index: installed into a Python environment and checked,
 * a newer release installed beside it and switched to, a broken one kept out.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { FakePypi } from "../../fakes/fake_pypi.ts";
import { CurrentYtdlp, isNewerRelease, YtdlpUpdater } from "../../../lib/sources/current_ytdlp.ts";
import { OwnYtdlp } from "../../../lib/sources/own_ytdlp.ts";

Deno.test("release order: later dates and nightlies are newer", () => {
  assert.ok(isNewerRelease("2026.09.01", "2026.08.19"));
  assert.ok(isNewerRelease("2026.08.19.1200", "2026.08.19"));
  assert.ok(!isNewerRelease("2026.08.19", "2026.08.19"));
  assert.ok(!isNewerRelease("2025.12.31", "2026.01.01"));
});

Deno.test({
  name: "install, update beside the one in use, and keep it when the next release is broken",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "trazom_own_ytdlp_" });
    const wrapper = join(dir, "fake-wrapper");
    await Deno.writeTextFile(wrapper, '#!/bin/sh\necho wrapped "$@"\n', { mode: 0o755 });
    const index = await FakePypi.start(join(dir, "index"), wrapper);
    const lines: string[] = [];
    try {
      await index.publish({ version: "2026.09.01" });
      const own = new OwnYtdlp(join(dir, "data"), { indexUrl: index.url, log: (line) => lines.push(line) });
      assert.equal(await own.current(), undefined);
      const first = await own.install(undefined);
      assert.deepEqual(first, { slot: "a", version: "2026.09.01" });
      assert.ok(lines.some((line) => /pip could not install yt-dlp\[default\]/.test(line)), lines.join("\n"));
      await own.activate(first.slot);
      assert.deepEqual(await own.current(), first);
      const ran = await new Deno.Command(own.command, { args: ["-J", "x"], clearEnv: true }).output();
      assert.equal(
        new TextDecoder().decode(ran.stdout).trim(),
        "wrapped -J x",
        "the script runs the slot's yt-dlp",
      );

      const current = new CurrentYtdlp({
        path: own.command,
        version: first.version,
        reason: "own",
        own: first,
      });
      const changes: string[] = [];
      current.addEventListener("change", () => changes.push(current.choice.version ?? ""));
      const updater = new YtdlpUpdater(current, own, (line) => lines.push(line));
      await updater.check();
      assert.deepEqual(changes, [], "nothing newer yet");

      await index.publish({ version: "2026.10.01" });
      await updater.check();
      assert.deepEqual(changes, ["2026.10.01"]);
      assert.deepEqual(await own.current(), { slot: "b", version: "2026.10.01" });

      await index.publish({ version: "2026.11.01", broken: true });
      await updater.check();
      assert.deepEqual(changes, ["2026.10.01"], "the broken release is not switched to");
      assert.deepEqual(await own.current(), { slot: "b", version: "2026.10.01" });
      assert.ok(
        lines.some((line) => /2026\.11\.0?1 failed .*keeping 2026\.10\.01/.test(line)),
        lines.join("\n"),
      );
    } finally {
      await index.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});

import assert from "node:assert/strict";
import { join } from "node:path";
import { cookiesProblem, preparePrivateFolder, withCookiesCopy } from "../../../lib/sources/cookies_copy.ts";
import { ToolProcess } from "../../../lib/process/tool_process.ts";
import { LiveTools } from "../../../lib/process/live_tools.ts";

const COOKIES = "# Netscape HTTP Cookie File\n.example.com\tTRUE\t/\tTRUE\t0\tname\tvalue\n";

Deno.test("a run killed while it rewrites its cookies leaves the operator's file as it was", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const operatorFile = join(dir, "cookies.txt");
    await Deno.writeTextFile(operatorFile, COOKIES);
    const privateDir = join(dir, "private");
    await preparePrivateFolder(privateDir);
    const controller = new AbortController();
    let copyMode = 0;
    await withCookiesCopy(operatorFile, privateDir, async (copy) => {
      assert.ok(copy !== undefined && copy.startsWith(privateDir));
      copyMode = (await Deno.stat(copy)).mode! & 0o777;
      // Truncates the file it was given and is killed before it writes it back, like yt-dlp cut short.
      const tool = ToolProcess.spawn("sh", {
        args: ["-c", ': > "$1"; echo truncated; sleep 30', "sh", copy],
        signal: controller.signal,
        registry: new LiveTools(),
      });
      const reader = tool.child.stdout.getReader();
      await reader.read();
      reader.releaseLock();
      assert.equal(await Deno.readTextFile(copy), "", "the copy was cut short");
      controller.abort();
      await tool.status;
    });
    assert.equal(copyMode, 0o600, "only the bot's user may read the copy");
    assert.equal(await Deno.readTextFile(operatorFile), COOKIES);
    assert.deepEqual(await Array.fromAsync(Deno.readDir(privateDir)), [], "the copy is removed");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("copies a killed bot left behind are swept at start", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(join(dir, "cookies-left.txt"), COOKIES);
    await preparePrivateFolder(dir);
    assert.deepEqual(await Array.fromAsync(Deno.readDir(dir)), []);
    assert.equal((await Deno.stat(dir)).mode! & 0o777, 0o700);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("without a cookies file the run gets no copy", async () => {
  assert.equal(await withCookiesCopy(undefined, undefined, (copy) => Promise.resolve(copy)), undefined);
});

Deno.test("a cookies file that cannot be read is named in one sentence", async () => {
  assert.equal(await cookiesProblem(undefined), undefined);
  const problem = await cookiesProblem("/nonexistent/cookies.txt");
  assert.match(
    problem ?? "",
    /^YTDLP_COOKIES names "\/nonexistent\/cookies.txt", which the bot cannot read \(NotFound\)\.$/,
  );
});

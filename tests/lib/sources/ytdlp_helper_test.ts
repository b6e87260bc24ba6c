/**
 * The warm yt-dlp helper, on the real yt_dlp library against pages on loopback: it answers what `-J`
 * would print, gives up on time, is killed on cancellation, is replaced when it dies (the extraction then
 * tried once more) and after a number of extractions, and says when yt_dlp cannot be imported.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  helperPython,
  pythonOfShebang,
  readHelperScript,
  startYtdlpHelper,
  YtdlpHelper,
  type YtdlpHelperOptions,
} from "../../../lib/sources/ytdlp_helper.ts";
import { metadataArgs } from "../../../lib/sources/ytdlp_args.ts";
import { CurrentYtdlp } from "../../../lib/sources/current_ytdlp.ts";
import { LiveTools } from "../../../lib/process/live_tools.ts";
import { isAlive } from "../process/proc_table.ts";
import { waitUntil } from "../../fakes/wait_until.ts";
import { UserError } from "../../../lib/user_error.ts";

const TIMEOUT_MS = 30_000;

/** A page with an <audio> element, a page that answers only when let go, and the media they name. */
function startPages() {
  const waiting: (() => void)[] = [];
  let slowHits = 0;
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (request) => {
    const path = new URL(request.url).pathname;
    const page = (title: string) =>
      new Response(
        `<html><head><title>${title}</title></head><body><audio src="/tone.mp3"></audio></body></html>`,
        { headers: { "content-type": "text/html" } },
      );
    if (path === "/page.html") return page("Page Song");
    if (path === "/slow.html") {
      slowHits++;
      await new Promise<void>((resolve) => waiting.push(resolve));
      return page("Slow Song");
    }
    if (path === "/tone.mp3") {
      return new Response(new Uint8Array(4096), { headers: { "content-type": "audio/mpeg" } });
    }
    return new Response("Not found", { status: 404 });
  });
  const url = `http://127.0.0.1:${server.addr.port}`;
  return {
    url,
    get slowHits() {
      return slowHits;
    },
    letGo: () => waiting.splice(0).forEach((resolve) => resolve()),
    close: async () => {
      waiting.splice(0).forEach((resolve) => resolve());
      await server.shutdown();
    },
  };
}

async function withHelper(
  options: Partial<YtdlpHelperOptions>,
  body: (helper: YtdlpHelper, pages: ReturnType<typeof startPages>, registry: LiveTools) => Promise<void>,
) {
  const pages = startPages();
  const registry = new LiveTools();
  const helper = new YtdlpHelper({
    python: "python3",
    script: await readHelperScript(),
    size: 2,
    registry,
    ...options,
  });
  try {
    await body(helper, pages, registry);
  } finally {
    helper.close();
    await registry.killAll();
    await pages.close();
  }
}

function title(result: unknown): string {
  assert.ok(typeof result === "object" && result !== null && "json" in result, JSON.stringify(result));
  return String((result.json as { title?: unknown }).title);
}

Deno.test("the helper answers what -J prints, and yt-dlp's error text for a dead link", async () => {
  await withHelper({}, async (helper, pages) => {
    assert.ok("version" in await helper.warm());
    const found = await helper.extract(metadataArgs(`${pages.url}/page.html`), TIMEOUT_MS);
    assert.match(title(found), /^Page Song/);
    assert.equal((found as { json: { url: string } }).json.url, `${pages.url}/tone.mp3`);
    const missing = await helper.extract(metadataArgs(`${pages.url}/missing.html`), TIMEOUT_MS);
    assert.ok("error" in missing);
    assert.match(missing.error, /^ERROR: .*404/m);
  });
});

Deno.test("an extraction past its time-out fails, its helper is killed, and the next one works", async () => {
  await withHelper({}, async (helper, pages) => {
    await helper.warm();
    const [pid] = helper.pids;
    await assert.rejects(helper.extract(metadataArgs(`${pages.url}/slow.html`), 1_500), /took too long/);
    await waitUntil(() => !isAlive(pid), "the overdue helper is gone");
    assert.match(
      title(await helper.extract(metadataArgs(`${pages.url}/page.html`), TIMEOUT_MS)),
      /^Page Song/,
    );
  });
});

Deno.test("cancelling an extraction kills its helper, not the other extraction", async () => {
  await withHelper({}, async (helper, pages) => {
    await helper.warm();
    const cancel = new AbortController();
    const cancelled = helper.extract(metadataArgs(`${pages.url}/slow.html`), TIMEOUT_MS, cancel.signal);
    await waitUntil(() => pages.slowHits === 1, "the first extraction reached the slow page");
    const other = helper.extract(metadataArgs(`${pages.url}/slow.html`), TIMEOUT_MS);
    await waitUntil(() => pages.slowHits === 2, "the second extraction reached it in another helper");
    const pids = helper.pids;
    assert.equal(pids.length, 2);
    cancel.abort(new Error("changed my mind"));
    await assert.rejects(cancelled, /changed my mind/);
    pages.letGo();
    assert.match(title(await other), /^Slow Song/);
    assert.equal(pids.filter((pid) => isAlive(pid)).length, 1, "one helper was killed, the other lives");
  });
});

Deno.test("a helper killed mid-extraction is replaced and the extraction tried once more", async () => {
  await withHelper({}, async (helper, pages) => {
    await helper.warm();
    const [pid] = helper.pids;
    const result = helper.extract(metadataArgs(`${pages.url}/slow.html`), TIMEOUT_MS);
    await waitUntil(() => pages.slowHits === 1, "the extraction reached the slow page");
    Deno.kill(pid, "SIGKILL");
    await waitUntil(() => pages.slowHits === 2, "a fresh helper tried again");
    pages.letGo();
    assert.match(title(await result), /^Slow Song/);
    assert.ok(!helper.pids.includes(pid));
  });
});

Deno.test("an extraction whose helper dies twice fails with a reason worth trying again", async () => {
  await withHelper({}, async (helper, pages) => {
    await helper.warm();
    const result = helper.extract(metadataArgs(`${pages.url}/slow.html`), TIMEOUT_MS);
    for (const hits of [1, 2]) {
      await waitUntil(() => pages.slowHits === hits, `attempt ${hits} reached the slow page`);
      for (const pid of helper.pids) Deno.kill(pid, "SIGKILL");
    }
    await assert.rejects(
      result,
      (error: unknown) => error instanceof UserError && /try again/.test(error.message),
    );
  });
});

Deno.test("a helper is replaced after its number of extractions, and when yt-dlp changed", async () => {
  await withHelper({ maxRequests: 2 }, async (helper, pages) => {
    await helper.warm();
    const [first] = helper.pids;
    for (let i = 0; i < 2; i++) await helper.extract(metadataArgs(`${pages.url}/page.html`), TIMEOUT_MS);
    await waitUntil(() => !isAlive(first), "the helper that served twice is gone");
    await helper.warm();
    const [second] = helper.pids;
    assert.notEqual(second, first);
    helper.refresh();
    await waitUntil(() => !isAlive(second), "refresh replaced the idle helper");
    assert.match(
      title(await helper.extract(metadataArgs(`${pages.url}/page.html`), TIMEOUT_MS)),
      /^Page Song/,
    );
  });
});

Deno.test("a helper that finds yt-dlp upgraded on disk hands its extraction to a fresh helper", async () => {
  const dir = await Deno.makeTempDir();
  try {
    // A yt_dlp package of its own (the tests' pass-through package, which loads the real one), so the test
    // can "upgrade" it by touching its __init__.py.
    await Deno.mkdir(join(dir, "yt_dlp"));
    const init = join(dir, "yt_dlp", "__init__.py");
    await Deno.copyFile(new URL("../../fakes/python/yt_dlp/__init__.py", import.meta.url), init);
    const python = join(dir, "python");
    await Deno.writeTextFile(python, `#!/bin/sh\nPYTHONPATH='${dir}' exec python3 "$@"\n`, { mode: 0o755 });
    await withHelper({ python }, async (helper, pages) => {
      await helper.warm();
      const [before] = helper.pids;
      assert.match(
        title(await helper.extract(metadataArgs(`${pages.url}/page.html`), TIMEOUT_MS)),
        /^Page Song/,
      );
      const later = new Date(Date.now() + 60_000);
      await Deno.utime(init, later, later);
      assert.match(
        title(await helper.extract(metadataArgs(`${pages.url}/page.html`), TIMEOUT_MS)),
        /^Page Song/,
      );
      await waitUntil(() => !isAlive(before), "the helper that imported the old yt-dlp is gone");
      assert.ok(!helper.pids.includes(before));
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a Python that cannot import yt_dlp makes the helper unavailable, with the reason", async () => {
  const dir = await Deno.makeTempDir();
  try {
    // -S leaves site-packages out, where pip put yt_dlp.
    const python = join(dir, "python");
    await Deno.writeTextFile(python, '#!/bin/sh\nexec python3 -S "$@"\n', { mode: 0o755 });
    await withHelper({ python }, async (helper, pages) => {
      const warm = await helper.warm();
      assert.ok("unavailable" in warm);
      assert.match(warm.unavailable, /yt_dlp/);
      const result = await helper.extract(metadataArgs(`${pages.url}/page.html`), TIMEOUT_MS);
      assert.ok("unavailable" in result);
      assert.equal(helper.status, "unavailable");
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the helper's Python comes from the setting, else yt-dlp's #! line, else python3", async () => {
  assert.equal(pythonOfShebang("#!/usr/bin/python3.11\nimport x"), "/usr/bin/python3.11");
  assert.equal(pythonOfShebang("#!/usr/bin/env python3\n"), "python3");
  assert.equal(pythonOfShebang("#!/usr/bin/env -S python3 -X utf8\n"), "python3");
  assert.equal(pythonOfShebang("#!/bin/sh\n"), undefined);
  assert.equal(pythonOfShebang("\x7fELF..."), undefined);
  assert.equal(await helperPython("yt-dlp", "/opt/py/bin/python"), "/opt/py/bin/python");
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(join(dir, "yt-dlp"), "#!/opt/venv/bin/python3\n");
    assert.equal(await helperPython(join(dir, "yt-dlp")), "/opt/venv/bin/python3");
    await Deno.writeTextFile(join(dir, "binary"), "\x7fELF");
    assert.equal(await helperPython(join(dir, "binary")), "python3");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("when the bot switches to another yt-dlp, a worker's helpers move to that installation's Python", async () => {
  const dir = await Deno.makeTempDir();
  try {
    // The first installation's Python cannot import yt_dlp (-S leaves site-packages out); the second can.
    await Deno.mkdir(join(dir, "a"));
    await Deno.mkdir(join(dir, "b"));
    const broken = join(dir, "a", "python");
    await Deno.writeTextFile(broken, '#!/bin/sh\nexec python3 -S "$@"\n', { mode: 0o755 });
    const working = join(dir, "b", "python");
    await Deno.writeTextFile(working, '#!/bin/sh\nexec python3 "$@"\n', { mode: 0o755 });
    // Like the bot's own yt-dlp: one path whose #! line names the Python of the installation in use.
    const ytdlpPath = join(dir, "yt-dlp");
    await Deno.writeTextFile(ytdlpPath, `#!${broken}\n`, { mode: 0o755 });
    const helper = await startYtdlpHelper({ ytdlpPath, ytdlpHelper: true });
    assert.ok(helper);
    try {
      const before = await helper.warm();
      assert.ok("unavailable" in before, "the first installation cannot serve");
      await Deno.writeTextFile(ytdlpPath, `#!${working}\n`, { mode: 0o755 });
      new CurrentYtdlp({ path: ytdlpPath, reason: "test" }).change({ path: ytdlpPath, reason: "updated" });
      await waitUntil(() => helper.status === "running", "the switch reached the helpers");
      const after = await helper.warm();
      assert.ok("version" in after, `the new installation serves: ${JSON.stringify(after)}`);
    } finally {
      helper.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

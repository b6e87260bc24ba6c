import assert from "node:assert/strict";
import {
  AUDIO_FORMAT,
  downloadArgs,
  metadataArgs,
  playlistArgs,
  radioArgs,
  radioUrl,
  searchArgs,
} from "../../../lib/sources/ytdlp_args.ts";
import { probeYtdlpVersion } from "../../../lib/sources/ytdlp_version.ts";

const COMMON = [
  "--ignore-config",
  "--no-warnings",
  "--no-colors",
  "--socket-timeout",
  "20",
  "--no-cache-dir",
];

/** Everything before `--`: the part yt-dlp reads as options. */
function options(args: string[]): string[] {
  return args.slice(0, args.indexOf("--"));
}

Deno.test("searchArgs hides the text behind ytsearchN: after --", () => {
  assert.deepEqual(searchArgs("--exec rm", 5), [
    "--flat-playlist",
    "-J",
    ...COMMON,
    "--",
    "ytsearch5:--exec rm",
  ]);
  assert.equal(searchArgs("x", 0).at(-1), "ytsearch1:x");
  assert.equal(searchArgs("x", 1000).at(-1), "ytsearch25:x");
  assert.equal(searchArgs("x", 2.7).at(-1), "ytsearch2:x");
});

Deno.test("metadataArgs and playlistArgs put the URL last, after --", () => {
  const url = "https://www.youtube.com/watch?v=dQw4w9WgXcQ";
  assert.deepEqual(metadataArgs(url), ["-J", "--no-playlist", "-f", AUDIO_FORMAT, ...COMMON, "--", url]);
  assert.deepEqual(
    playlistArgs(url, 50, { proxy: "http://127.0.0.1:1234" }),
    [
      "--flat-playlist",
      "-J",
      "--yes-playlist",
      "--playlist-items",
      "1:50",
      ...COMMON,
      "--proxy",
      "http://127.0.0.1:1234",
    ]
      .concat(["--", url]),
  );
});

Deno.test("radioArgs asks for the RDAMVM mix of a video, flat", () => {
  assert.equal(radioUrl("dQw4w9WgXcQ"), "https://www.youtube.com/watch?v=dQw4w9WgXcQ&list=RDAMVMdQw4w9WgXcQ");
  const args = radioArgs("dQw4w9WgXcQ", 25);
  assert.equal(args.at(-1), radioUrl("dQw4w9WgXcQ"));
  assert.ok(args.includes("--flat-playlist") && args.includes("--yes-playlist"));
  assert.throws(() => radioArgs("--exec", 25), /Not a YouTube video id/);
});

Deno.test("downloadArgs writes exactly to the output path, escaping template characters", () => {
  const args = downloadArgs("https://example.com/a.mp3", "/cache/50% off.tmp", {
    proxy: "http://127.0.0.1:9",
    cacheDir: "/data/yt-dlp",
    maxFilesizeBytes: 1000,
  });
  const opts = options(args);
  assert.equal(opts[opts.indexOf("-f") + 1], AUDIO_FORMAT);
  assert.equal(opts[opts.indexOf("-o") + 1], "/cache/50%% off.tmp");
  assert.equal(opts[opts.indexOf("--max-filesize") + 1], "1000");
  assert.equal(opts[opts.indexOf("--cache-dir") + 1], "/data/yt-dlp");
  assert.equal(opts[opts.indexOf("--proxy") + 1], "http://127.0.0.1:9");
  for (const flag of ["--no-playlist", "--no-part", "--force-overwrites", "--quiet", "--no-progress"]) {
    assert.ok(opts.includes(flag), flag);
  }
  assert.deepEqual(args.slice(-2), ["--", "https://example.com/a.mp3"]);
});

Deno.test("the installed yt-dlp accepts every option the builders use for its version", async () => {
  const found = await probeYtdlpVersion("yt-dlp");
  // yt-dlp writes its cookies back when it exits, so the file must exist.
  const cookiesPath = await Deno.makeTempFile({ suffix: ".txt" });
  await Deno.writeTextFile(cookiesPath, "# Netscape HTTP Cookie File\n");
  const current = found.status === "current" ? { denoPath: Deno.execPath(), cookiesPath } : {};
  const all = [
    searchArgs("x", 5, current),
    metadataArgs("u", current),
    radioArgs("dQw4w9WgXcQ", 5, { cacheDir: "/tmp/c", ...current }),
    downloadArgs("u", "/tmp/o", { proxy: "http://127.0.0.1:9", ...current }),
  ];
  for (const args of all) {
    // Without a URL yt-dlp stops right after reading its options, and names any it does not know.
    const output = await new Deno.Command("yt-dlp", { args: options(args), stdin: "null" }).output();
    const stderr = new TextDecoder().decode(output.stderr);
    assert.ok(!/no such option|error: .*option/i.test(stderr), `yt-dlp ${found.status}: ${stderr}`);
    assert.ok(/at least one URL/.test(stderr), stderr);
  }
  await Deno.remove(cookiesPath);
});

Deno.test("the JavaScript runtime, cookies and the operator's arguments reach every command line", () => {
  const common = {
    proxy: "http://127.0.0.1:9",
    denoPath: "/opt/deno/bin/deno",
    cookiesPath: "/etc/trazom/cookies.txt",
    extraArgs: ["--extractor-args", "youtube:player_client=web", "--proxy", "http://evil.example"],
  };
  const lines = [
    searchArgs("x", 5, common),
    metadataArgs("u", common),
    playlistArgs("u", 3, common),
    downloadArgs("u", "/tmp/o", common),
  ];
  for (const args of lines) {
    const opts = options(args);
    assert.deepEqual(
      opts.slice(0, 4),
      common.extraArgs,
      "the operator's arguments come before the bot's own",
    );
    assert.equal(opts[opts.indexOf("--js-runtimes") + 1], "deno:/opt/deno/bin/deno");
    assert.equal(opts[opts.indexOf("--cookies") + 1], "/etc/trazom/cookies.txt");
    assert.equal(opts[opts.indexOf("--extractor-args") + 1], "youtube:player_client=web");
    // yt-dlp keeps the last value of an option: the bot's own proxy comes after the operator's.
    assert.equal(opts[opts.lastIndexOf("--proxy") + 1], "http://127.0.0.1:9");
  }
  assert.ok(!options(searchArgs("x", 5)).includes("--js-runtimes"), "none unless the version knows it");
});

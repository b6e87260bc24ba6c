/**
 * Live sources through the transcoder worker's handler, with real ffmpeg, against a local media server that
 * streams MP3 without end and without a length: they are played as they come (never written to disk), at
 * the target loudness after the first seconds, and stopping them kills their ffmpeg.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { loudnessTarget } from "../../../lib/audio/loudnorm.ts";
import { createTranscoder } from "../../../lib/audio/transcoder.ts";
import type { TranscoderAnswer, TranscoderRequest } from "../../../lib/channels/transcoder_messages.ts";
import { integratedLoudness, runFfmpeg } from "../../fakes/audio_analysis.ts";
import { startMediaServer } from "../../fakes/media_server.ts";
import { liveEncoders } from "../process/proc_table.ts";

const TARGET = loudnessTarget(-16);
/** The running estimate is given this long to settle before the loudness is held to the target. */
const SETTLE_SECONDS = 5;

type Handler = (request: TranscoderRequest, signal: AbortSignal) => Promise<TranscoderAnswer>;

/** Total bytes of the files in `dir`. */
async function folderBytes(dir: string): Promise<number> {
  let total = 0;
  for await (const entry of Deno.readDir(dir)) {
    if (entry.isFile) total += (await Deno.stat(join(dir, entry.name))).size;
  }
  return total;
}

Deno.test("an endless MP3 plays live at the target loudness, writes nothing, and stops with its ffmpeg", async () => {
  const dir = await Deno.makeTempDir({ prefix: "trazom_live_" });
  const work = await Deno.makeTempDir({ dir, prefix: "work_" });
  const media = startMediaServer();
  try {
    const mp3 = join(dir, "radio.mp3");
    // Steady pink noise around -40 LUFS, as a talk or music station between programmes: 24 dB to make up.
    await runFfmpeg([
      ...["-v", "error", "-y", "-f", "lavfi", "-i", "anoisesrc=color=pink:amplitude=0.02:duration=30"],
      ...["-ac", "2", "-c:a", "libmp3lame", "-b:a", "160k", mp3],
    ]);
    // Four times real time at 160 kb/s: faster than it plays, as a radio's first burst is.
    const url = media.addEndless("radio", await Deno.readFile(mp3), 80_000);
    const handle: Handler = await createTranscoder({
      ytdlpPath: "yt-dlp",
      allowPrivateUrls: true,
      target: TARGET,
      workDir: work,
    });
    const outputPath = join(work, ".partial-out.ogg");
    const started = await handle(
      { kind: "start", job: "radio", source: { kind: "url", url }, outputPath, priority: "now" },
      new AbortController().signal,
    );
    assert.deepEqual(started, { outcome: "streaming", gainDb: 0, live: true });

    // 25 s of Ogg Opus, pulled as the player would.
    const heard = join(dir, "heard.ogg");
    let seconds = 0;
    while (seconds < 25) {
      const answer = await handle({ kind: "read", job: "radio" }, new AbortController().signal);
      assert.equal(answer.outcome, "audio", JSON.stringify(answer));
      if (answer.outcome !== "audio") return;
      assert.equal(answer.end, false, "an endless stream does not end");
      await Deno.writeFile(heard, answer.bytes, { append: true });
      seconds = await playedSeconds(heard);
    }
    assert.ok(liveEncoders().length >= 1, "ffmpeg encodes the stream");
    assert.equal(await folderBytes(work), 0, "nothing of the stream is written to the work folder");

    const settled = join(dir, "settled.wav");
    await runFfmpeg(["-v", "error", "-y", "-ss", String(SETTLE_SECONDS), "-i", heard, settled]);
    const loudness = await integratedLoudness(settled);
    console.log(`live loudness after ${SETTLE_SECONDS} s: ${loudness} LUFS (target ${TARGET.integrated})`);
    assert.ok(Math.abs(loudness - TARGET.integrated) <= 1.5, `${loudness} LUFS`);

    assert.deepEqual(await handle({ kind: "cancel", job: "radio" }, new AbortController().signal), {
      outcome: "noted",
    });
    const deadline = Date.now() + 10_000;
    while (liveEncoders().length > 0) {
      assert.ok(Date.now() < deadline, "the live ffmpeg is gone within 10 s of the cancel");
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } finally {
    await media.close();
    await Deno.remove(dir, { recursive: true });
  }
});

/** How much audio an Ogg Opus file (maybe cut mid-page) holds, as ffmpeg decodes it. */
async function playedSeconds(path: string): Promise<number> {
  const { stderr } = await runFfmpeg(["-v", "info", "-nostats", "-i", path, "-f", "null", "-"]).catch(() => ({
    stderr: "",
  }));
  const times = [...stderr.matchAll(/time=(\d+):(\d+):(\d+\.\d+)/g)].at(-1);
  return times ? Number(times[1]) * 3600 + Number(times[2]) * 60 + Number(times[3]) : 0;
}

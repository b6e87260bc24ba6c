/**
 * First audio of never-played tracks: the streaming transcoder (in its worker) and the growing-file reader
 * the player uses, beside a baseline that transcodes at play time without normalizing, as a typical
 * discord.js bot does (ffmpeg decodes the link to PCM, an in-process Opus encoder makes the first packet).
 * Each run uses a new link, so nothing is cached; the loudness of what is heard first and of the finished
 * file is measured too.
 */
import { join } from "node:path";
import type { Readable } from "node:stream";
import OpusScript from "opusscript";
import { findFfmpeg } from "../../lib/audio/ffmpeg_path.ts";
import { openGrowingOggOpus } from "../../lib/audio/growing_ogg.ts";
import { loudnessTarget } from "../../lib/audio/loudnorm.ts";
import type {
  TranscoderAnswer,
  TranscoderRequest,
  TranscoderSettings,
} from "../../lib/channels/transcoder_messages.ts";
import { WorkerClient } from "../../lib/channels/worker_client.ts";
import { integratedLoudness } from "../fakes/audio_analysis.ts";
import { startMediaServer } from "../fakes/media_server.ts";
import { writeMusicLike } from "../fakes/music_like.ts";
import type { Report } from "./report.ts";
import { maximum, median } from "./stats.ts";

/** One track length's numbers. */
export interface FirstAudio {
  readonly seconds: number;
  /** Request to the first audio page out of the reader, per run. */
  readonly streamingMs: number[];
  /** ffmpeg start to the first Opus packet, per run. */
  readonly baselineMs: number[];
  /** Integrated loudness of what the reader delivered (the first play), and of the finished file. */
  readonly heardLufs: number[];
  readonly cachedLufs: number[];
  /** Request to the `finish` answer: the file is in the cache from then on. */
  readonly finishedMs: number[];
}

const PCM_FRAME_BYTES = 960 * 2 * 2;
const TIMEOUT_MS = 10 * 60_000;

/** Measures `runs` never-played starts of a music-like track of each length. */
export async function measureFirstAudio(
  workDir: string,
  lengths: readonly number[],
  runs: number,
  lufs: number,
  progress: (message: string) => void,
): Promise<FirstAudio[]> {
  const ffmpeg = await findFfmpeg(Deno.env.get("FFMPEG_PATH"));
  const media = startMediaServer();
  const transcoder = new WorkerClient<TranscoderRequest, TranscoderAnswer>(
    "transcoder",
    () => new Worker(new URL("../../workers/transcoder_worker.ts", import.meta.url), { type: "module" }),
    {
      ytdlpPath: "yt-dlp",
      allowPrivateUrls: true,
      target: loudnessTarget(lufs),
      workDir,
    } satisfies TranscoderSettings,
  );
  try {
    const results: FirstAudio[] = [];
    for (const seconds of lengths) {
      const path = join(workDir, `first-audio-${seconds}.mp3`);
      await writeMusicLike(path, seconds, { level: 0.6 });
      const bytes = await Deno.readFile(path);
      const result: FirstAudio = {
        seconds,
        streamingMs: [],
        baselineMs: [],
        heardLufs: [],
        cachedLufs: [],
        finishedMs: [],
      };
      for (let run = 0; run < runs; run++) {
        progress(`first audio of a new ${seconds} s track, run ${run + 1} of ${runs}`);
        const url = media.add(`first-${seconds}-${run}.mp3`, bytes);
        await streamOnce(transcoder, seconds, url, join(workDir, `.partial-first-${seconds}-${run}`), result);
        result.baselineMs.push(await baselineOnce(ffmpeg, media.add(`base-${seconds}-${run}.mp3`, bytes)));
      }
      results.push(result);
    }
    return results;
  } finally {
    transcoder.close();
    await media.close();
  }
}

async function streamOnce(
  transcoder: WorkerClient<TranscoderRequest, TranscoderAnswer>,
  durationSeconds: number,
  url: string,
  outputPath: string,
  result: FirstAudio,
): Promise<void> {
  const job = crypto.randomUUID();
  const started = performance.now();
  const answer = await transcoder.request(
    // The bot passes the duration the resolver reported, as here.
    { kind: "start", job, source: { kind: "url", url }, durationSeconds, outputPath, priority: "now" },
    { timeoutMs: TIMEOUT_MS },
  );
  if (answer.outcome !== "streaming") {
    throw new Error(`The transcoder did not stream: ${JSON.stringify(answer)}`);
  }
  const finish = transcoder.request({ kind: "finish", job }, { timeoutMs: TIMEOUT_MS });
  const complete = finish.then((ready) => ready.outcome === "ready");
  const reader = openGrowingOggOpus(outputPath, { startSeconds: 0, complete });
  // The first chunk is the header pages; the second starts with audio.
  const chunks = await readAll(reader, () => result.streamingMs.push(performance.now() - started));
  const ready = await finish;
  if (ready.outcome !== "ready") throw new Error(`The transcoder did not finish: ${JSON.stringify(ready)}`);
  result.finishedMs.push(performance.now() - started);
  const heard = `${outputPath}-heard.ogg`;
  await Deno.writeFile(heard, chunks);
  result.heardLufs.push(await integratedLoudness(heard));
  result.cachedLufs.push(await integratedLoudness(outputPath));
  await Deno.remove(heard);
  await Deno.remove(outputPath);
}

async function readAll(reader: Readable, onFirstAudio: () => void): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of reader) {
    chunks.push(chunk);
    if (chunks.length === 2) onFirstAudio();
  }
  const out = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.length, 0));
  chunks.reduce((offset, chunk) => (out.set(chunk, offset), offset + chunk.length), 0);
  return out;
}

/** ffmpeg → PCM → Opus at play time: ms until the first packet is encoded. */
async function baselineOnce(ffmpeg: string, url: string): Promise<number> {
  const started = performance.now();
  const child = new Deno.Command(ffmpeg, {
    args: [
      "-hide_banner",
      "-nostdin",
      "-v",
      "error",
      "-i",
      url,
      "-f",
      "s16le",
      "-ar",
      "48000",
      "-ac",
      "2",
      "-",
    ],
    stdin: "null",
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const encoder = new OpusScript(48_000, 2, OpusScript.Application.AUDIO);
  let pcm = new Uint8Array(0);
  try {
    for await (const chunk of child.stdout) {
      const joined = new Uint8Array(pcm.length + chunk.length);
      joined.set(pcm);
      joined.set(chunk, pcm.length);
      pcm = joined;
      if (pcm.length < PCM_FRAME_BYTES) continue;
      // opusscript's typings ask for a Node Buffer; any byte view works.
      encoder.encode(pcm.subarray(0, PCM_FRAME_BYTES) as unknown as Parameters<OpusScript["encode"]>[0], 960);
      return performance.now() - started;
    }
    throw new Error("ffmpeg ended before one frame of audio");
  } finally {
    encoder.delete();
    try {
      child.kill("SIGKILL");
    } catch {
      // It had already exited.
    }
    await child.status;
  }
}

/** The section: first audio per length beside the baseline, the ratio, and the loudness reached. */
export function reportFirstAudio(report: Report, results: readonly FirstAudio[], lufs: number): void {
  const runs = results[0]?.streamingMs.length ?? 0;
  report.section(
    `6. First audio of a never-played track, transcoder only: from its request, after the resolver answered ` +
      `(median of ${runs}; streaming transcoder vs baseline; section 10 has /play to sound)`,
  );
  const shortest = results[0];
  for (const result of results) {
    const streaming = median(result.streamingMs);
    const baseline = median(result.baselineMs);
    report.add({
      label: `${result.seconds} s: streaming transcoder + reader`,
      value: streaming,
      unit: "ms",
      digits: 0,
      target: "≤ 1500 ms",
    });
    report.add({
      label: `${result.seconds} s: slowest run`,
      value: maximum(result.streamingMs),
      unit: "ms",
      digits: 0,
    });
    report.add({
      label: `${result.seconds} s: baseline (ffmpeg → PCM → Opus, no normalization)`,
      value: baseline,
      unit: "ms",
      digits: 0,
    });
    report.add({
      label: `${result.seconds} s: ratio streaming / baseline`,
      value: streaming / baseline,
      unit: "x",
      digits: 2,
    });
    if (result !== shortest && shortest) {
      report.add({
        label: `${result.seconds} s: ratio to the ${shortest.seconds} s track`,
        value: streaming / median(shortest.streamingMs),
        unit: "x",
        digits: 2,
        target: "≤ 1.3",
      });
    }
    report.add({
      label: `${result.seconds} s: first play loudness, worst error`,
      value: worstError(result.heardLufs, lufs),
      unit: "LU",
      digits: 2,
      target: "≤ 1",
    });
    report.add({
      label: `${result.seconds} s: cached file loudness, worst error`,
      value: worstError(result.cachedLufs, lufs),
      unit: "LU",
      digits: 2,
      target: "≤ 0.5",
    });
    report.add({
      label: `${result.seconds} s: request to cached file`,
      value: median(result.finishedMs),
      unit: "ms",
      digits: 0,
    });
  }
}

function worstError(measured: readonly number[], target: number): number {
  return Math.max(...measured.map((value) => Math.abs(value - target)));
}

if (import.meta.main) {
  // `deno run --allow-all tests/bench/first_audio.ts`: this section alone.
  const { Report } = await import("./report.ts");
  const dir = await Deno.makeTempDir({ prefix: "trazom_first_audio_" });
  const report = new Report();
  try {
    const results = await measureFirstAudio(dir, [30, 180, 600], 3, -16, (line) => console.error(line));
    reportFirstAudio(report, results, -16);
  } finally {
    console.log(report.toString());
    await Deno.remove(dir, { recursive: true });
  }
}

/** The parts of /healthz: workers restarting in a loop, tools re-checked, and failures sorted by kind. */
import assert from "node:assert/strict";
import { healthProblems } from "../../../lib/metrics/bot_health.ts";
import { resolverFailure, transcoderFailure } from "../../../lib/metrics/failure_kind.ts";
import { RestartLoop } from "../../../lib/metrics/restart_loop.ts";
import { ToolHealth, type ToolProbes } from "../../../lib/metrics/tool_health.ts";

Deno.test("three restarts within five minutes are a loop; older ones are forgotten", () => {
  let now = 0;
  const loop = new RestartLoop(3, 5 * 60_000, () => now);
  loop.restarted("resolver");
  now += 60_000;
  loop.restarted("resolver");
  assert.deepEqual(loop.problems(), []);
  now += 60_000;
  loop.restarted("resolver");
  assert.deepEqual(loop.problems(), ["The resolver worker restarted 3 times in 5 minutes."]);
  now += 4 * 60_000;
  assert.deepEqual(loop.problems(), [], "the first two fell out of the window");
});

/** Probes whose answers a test changes, counting how often they were asked. */
function probes(): ToolProbes & { ffmpegProblem?: string; asked: number } {
  const state = {
    ffmpegProblem: undefined as string | undefined,
    asked: 0,
    ffmpeg() {
      state.asked++;
      return Promise.resolve(state.ffmpegProblem);
    },
    ytdlp: () => Promise.resolve({ version: "2026.08.19" }),
  };
  return state;
}

Deno.test("tools are checked again when the last check is old, and at once when something failed", async () => {
  let now = 0;
  const found = probes();
  const tools = new ToolHealth(found, 15_000, () => now);
  await tools.check();
  assert.deepEqual(tools.readings, { problems: [], ytdlpVersion: "2026.08.19" });
  found.ffmpegProblem = "ffmpeg could not be run.";
  now += 10_000;
  assert.deepEqual(tools.readings.problems, [], "still fresh: not checked again");
  assert.equal(found.asked, 1);
  tools.suspect();
  await tools.check();
  assert.deepEqual(tools.readings.problems, ["ffmpeg could not be run."]);
  found.ffmpegProblem = undefined;
  now += 16_000;
  void tools.readings;
  await tools.check();
  assert.deepEqual(tools.readings.problems, []);
});

Deno.test("health lists the gateway, the tools and restart loops, one sentence each", async () => {
  const found = probes();
  found.ffmpegProblem = "ffmpeg is gone.";
  const tools = new ToolHealth(found);
  await tools.check();
  const restarts = new RestartLoop(1);
  restarts.restarted("transcoder");
  assert.deepEqual(healthProblems({ gatewayConnected: () => false, tools, restarts }), [
    "Not connected to the Discord gateway.",
    "ffmpeg is gone.",
    "The transcoder worker restarted 1 times in 5 minutes.",
  ]);
});

Deno.test("worker answers are sorted into resolve, download and transcode failures", () => {
  const failed = (message: string) => ({ outcome: "failed", message, userFacing: true, temporary: false });
  assert.equal(
    resolverFailure({ kind: "resolve" }, { outcome: "empty", message: "Nothing found" }),
    "resolve",
  );
  assert.equal(resolverFailure({ kind: "match" }, failed("x")), "resolve");
  assert.equal(resolverFailure({ kind: "suggest" }, failed("x")), undefined, "suggestions are not requests");
  assert.equal(resolverFailure({ kind: "resolve" }, { outcome: "tracks" }), undefined);
  assert.equal(
    transcoderFailure(failed("I couldn't read that as audio. Is it a music or video file?")),
    "transcode",
  );
  assert.equal(transcoderFailure(failed("I couldn't connect to that website.")), "download");
  assert.equal(transcoderFailure({ outcome: "ready" }), undefined);
});

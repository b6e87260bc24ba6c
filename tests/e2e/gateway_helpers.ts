/** Helpers for the gateway resilience tests: bots expected to give up, timings, a playable link. */
import { join } from "node:path";
import { generateTone } from "../fakes/test_tones.ts";
import { BotProcess } from "./bot_process.ts";
import type { TestWorld } from "./test_world.ts";

/** How a bot that stopped by itself ended. */
export interface BotEnding {
  readonly status: Deno.CommandStatus;
  readonly log: string;
  readonly elapsedMs: number;
}

/** Starts a bot that should exit on its own, and waits for that (killing it after `timeoutMs`). */
export async function runUntilExit(env: Record<string, string>, timeoutMs = 30_000): Promise<BotEnding> {
  const startedAt = Date.now();
  const bot = BotProcess.start(env);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<"late">((resolve) => timer = setTimeout(() => resolve("late"), timeoutMs));
  const outcome = await Promise.race([bot.exited, late]);
  clearTimeout(timer);
  if (outcome === "late") {
    await bot.kill();
    throw new Error(`The bot did not exit within ${timeoutMs} ms. It printed:\n${bot.log}`);
  }
  // stop() on an exited bot only waits for the rest of its output.
  const status = await bot.stop();
  return { status, log: bot.log, elapsedMs: Date.now() - startedAt };
}

/** Milliseconds between consecutive instants. */
export function gapsBetween(instants: readonly number[]): number[] {
  return instants.slice(1).map((at, index) => at - instants[index]);
}

/** A short tone served by the world's media server; returns its URL. */
export async function toneUrl(world: TestWorld, name: string, seconds: number): Promise<string> {
  const path = join(world.dataDir, name);
  await generateTone({ path, frequencyHz: 440, seconds, volumeDb: -18 });
  return world.media.add(name, await Deno.readFile(path));
}

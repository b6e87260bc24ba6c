/** The operator's settings in the configuration: metrics endpoint, /play rate and queue caps. */
import assert from "node:assert/strict";
import { ConfigError, parseConfig } from "../config.ts";

const TOKEN = `${btoa("123456789012345678")}.Gx1234.secret-part`;

function problemsOf(env: Record<string, string>): string[] {
  try {
    parseConfig({ DISCORD_TOKEN: TOKEN, ...env });
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

Deno.test("by default: no metrics endpoint, 5 /play per 10 s, queues of 500 and 100 per user", () => {
  const config = parseConfig({ DISCORD_TOKEN: TOKEN });
  assert.equal(config.metrics, undefined);
  assert.deepEqual(config.playRate, { limit: 5, windowMs: 10_000 });
  assert.deepEqual(config.queueLimits, { perGuild: 500, perUser: 100 });
});

Deno.test("a metrics port serves on loopback unless a host is given", () => {
  assert.deepEqual(parseConfig({ DISCORD_TOKEN: TOKEN, TRAZOM_METRICS_PORT: "9400" }).metrics, {
    hostname: "127.0.0.1",
    port: 9400,
  });
  const everywhere = parseConfig({
    DISCORD_TOKEN: TOKEN,
    TRAZOM_METRICS_PORT: "9400",
    TRAZOM_METRICS_HOST: "0.0.0.0",
  });
  assert.deepEqual(everywhere.metrics, { hostname: "0.0.0.0", port: 9400 });
});

Deno.test("the /play rate and queue caps are read, and the rate can be switched off", () => {
  const config = parseConfig({
    DISCORD_TOKEN: TOKEN,
    TRAZOM_PLAY_RATE: "20/1m",
    TRAZOM_QUEUE_LIMIT: "50",
    TRAZOM_QUEUE_LIMIT_PER_USER: "10",
  });
  assert.deepEqual(config.playRate, { limit: 20, windowMs: 60_000 });
  assert.deepEqual(config.queueLimits, { perGuild: 50, perUser: 10 });
  assert.equal(parseConfig({ DISCORD_TOKEN: TOKEN, TRAZOM_PLAY_RATE: "off" }).playRate, null);
});

Deno.test("bad values are named with the value quoted, all at once", () => {
  assert.deepEqual(
    problemsOf({
      TRAZOM_METRICS_PORT: "http",
      TRAZOM_PLAY_RATE: "lots",
      TRAZOM_QUEUE_LIMIT: "0",
      TRAZOM_QUEUE_LIMIT_PER_USER: "2.5",
    }),
    [
      'TRAZOM_METRICS_PORT must be a number from 1 to 65535, not "http".',
      'TRAZOM_PLAY_RATE must look like 5/10s or 20/1m (or off), not "lots".',
      'TRAZOM_QUEUE_LIMIT must be a number from 1 to 10000, not "0".',
      'TRAZOM_QUEUE_LIMIT_PER_USER must be a whole number, not "2.5".',
    ],
  );
});

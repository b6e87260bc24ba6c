/** Log lines: their shape in text and JSON, and secrets blanked wherever they appear. */
import assert from "node:assert/strict";
import { formatLine, redact, REDACTED } from "../../../lib/log/log_line.ts";
import { Logger } from "../../../lib/log/logger.ts";

const time = new Date("2026-12-07T12:00:00.000Z");

Deno.test("a text line is the time, the padded level, the message and quoted fields", () => {
  const line = formatLine(
    {
      time,
      level: "info",
      message: "/play",
      fields: { guild: "1", query: "never gonna", skipped: undefined },
    },
    "text",
  );
  assert.equal(line, `2026-12-07T12:00:00.000Z INFO  /play guild=1 query="never gonna"`);
});

Deno.test("a JSON line is one object with time, level, msg and the fields", () => {
  const line = formatLine(
    { time, level: "warn", message: "slow", fields: { ms: 12, cached: false } },
    "json",
  );
  assert.deepEqual(JSON.parse(line), {
    time: "2026-12-07T12:00:00.000Z",
    level: "warn",
    msg: "slow",
    ms: 12,
    cached: false,
  });
});

Deno.test("configured secrets are blanked in text and in JSON, even with characters JSON escapes", () => {
  const secret = 'se"cret\\value-42';
  const text = formatLine({ time, level: "error", message: `token ${secret} leaked` }, "text", [secret]);
  assert.ok(!text.includes(secret) && text.includes(REDACTED), text);
  const json = formatLine({ time, level: "error", message: "x", fields: { detail: secret } }, "json", [
    secret,
  ]);
  assert.equal(JSON.parse(json).detail, REDACTED);
});

Deno.test("anything shaped like a bot token or an Authorization value is blanked without being configured", () => {
  const token = "MTIwMDAwMDAwMDAwMDAwMDAw.ZmFrZQ.ZmFrZS1kaXNjb3JkLXRva2VuLXRoYXQtaXMtbG9uZw";
  assert.equal(redact(`using ${token} now`, []), `using ${REDACTED} now`);
  assert.equal(
    redact(`headers: { Authorization: "Bearer abcdefghijklmnopqrstuvwxyz012345" }`, []),
    `headers: { Authorization: "Bearer ${REDACTED}" }`,
  );
  assert.equal(redact("Connected to Discord as Trazom.", []), "Connected to Discord as Trazom.");
});

Deno.test("short secrets are not blanked, so ordinary words survive", () => {
  assert.equal(redact("the play was fine", ["play"]), "the play was fine");
});

Deno.test("the logger writes entries at or above its level only", () => {
  const written: string[] = [];
  const logger = new Logger((level, line) => written.push(`${level}|${line}`));
  logger.configure({ level: "warn", format: "json", secrets: [] });
  logger.debug("hidden");
  logger.info("hidden");
  logger.warn("shown");
  logger.error("shown too");
  assert.deepEqual(written.map((entry) => entry.split("|")[0]), ["warn", "error"]);
  assert.equal(JSON.parse(written[0].slice(5)).msg, "shown");
});

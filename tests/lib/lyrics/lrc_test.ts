import assert from "node:assert/strict";
import { lineIndexAt, parseLrc } from "../../../lib/lyrics/lrc.ts";
import { MAX_LINE_CHARS, MAX_LINES } from "../../../lib/lyrics/lyrics.ts";

Deno.test("timed lines are read in time order; metadata and untimed lines are left out", () => {
  const lines = parseLrc(
    "[ar: Someone]\n[ti: A Song]\n[00:12.50] Second\r\n[00:01.00]First\nno tag here\n[01:02.345] Third\n",
  );
  assert.deepEqual(lines, [
    { atSeconds: 1, text: "First" },
    { atSeconds: 12.5, text: "Second" },
    { atSeconds: 62.345, text: "Third" },
  ]);
});

Deno.test("a line with several time tags is sung at each of them", () => {
  assert.deepEqual(parseLrc("[00:05.00][00:20.00] Chorus").map((l) => l.atSeconds), [5, 20]);
});

Deno.test("lines are bounded in number and length", () => {
  const many = Array.from(
    { length: 3_000 },
    (_, i) => `[00:${String(i % 60).padStart(2, "0")}.00] ${"x".repeat(500)}`,
  );
  const lines = parseLrc(many.join("\n"));
  assert.equal(lines.length, MAX_LINES);
  assert.ok(lines.every((line) => line.text.length <= MAX_LINE_CHARS));
});

Deno.test("the line being sung is the last one that began", () => {
  const lines = parseLrc("[00:01.00] a\n[00:05.00] b\n[00:09.00] c");
  assert.equal(lineIndexAt(lines, 0.5), -1);
  assert.equal(lineIndexAt(lines, 1), 0);
  assert.equal(lineIndexAt(lines, 8.99), 1);
  assert.equal(lineIndexAt(lines, 100), 2);
});

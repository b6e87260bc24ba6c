import assert from "node:assert/strict";
import { parseTimestamp } from "../../../lib/commands/timestamp.ts";

Deno.test("times are read the ways people type them", () => {
  const cases: [string, number | undefined][] = [
    ["83", 83],
    ["1:23", 83],
    ["01:02:03", 3723],
    [" 2:05 ", 125],
    ["1m23s", 83],
    ["2h", 7200],
    ["45s", 45],
    ["1:75", undefined],
    ["", undefined],
    ["soon", undefined],
    ["-5", undefined],
    ["1:2:3:4", undefined],
  ];
  for (const [text, expected] of cases) assert.equal(parseTimestamp(text), expected, `"${text}"`);
});

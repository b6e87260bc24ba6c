/** `.env.example` documents every setting the configuration reads, each with a comment, and parses. */
import assert from "node:assert/strict";
import { CONFIG_VARIABLES, parseConfig } from "./../config.ts";

const text = await Deno.readTextFile(new URL("../.env.example", import.meta.url));
const lines = text.split("\n");

Deno.test(".env.example names every setting, each after a comment saying what it does", () => {
  for (const name of CONFIG_VARIABLES) {
    const index = lines.findIndex((line) => new RegExp(`^(# )?${name}=`).test(line));
    assert.ok(index > 0, `${name} is in .env.example`);
    const above = lines.slice(0, index).findLast((line) => !/^(# )?[A-Z_]+=/.test(line));
    assert.ok(above?.startsWith("# ") && above.length > 10, `${name} has a comment above it`);
  }
});

Deno.test("every example value in .env.example is accepted by the configuration", () => {
  const env: Record<string, string> = {
    DISCORD_TOKEN: `${btoa("120000000000000001")}.ZmFrZQ.ZmFrZS1kaXNjb3JkLXRva2Vu`,
  };
  for (const line of lines) {
    const match = /^# ([A-Z_]+)=(.+)$/.exec(line);
    if (match) env[match[1]] = match[2];
  }
  assert.ok(Object.keys(env).length > 20);
  assert.doesNotThrow(() => parseConfig(env));
});

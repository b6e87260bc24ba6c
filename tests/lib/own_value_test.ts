import assert from "node:assert/strict";
import { ownValue } from "../../lib/own_value.ts";
import { trackFromVideoJson } from "../../lib/sources/ytdlp_output.ts";

const MODES: Record<string, string> = { off: "off", track: "track" };

Deno.test("only the table's own keys are found", () => {
  assert.equal(ownValue(MODES, "track"), "track");
  for (const inherited of ["constructor", "__proto__", "toString", "hasOwnProperty"]) {
    assert.equal(ownValue(MODES, inherited), undefined, inherited);
  }
});

Deno.test("a tool that names an extractor like an Object property gets a plain link, not a site", () => {
  const track = trackFromVideoJson(
    { id: "x", title: "T", extractor_key: "constructor" },
    "https://example.com/x",
  );
  assert.deepEqual(track.source, { kind: "url", url: "https://example.com/x" });
});

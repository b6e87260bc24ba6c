import assert from "node:assert/strict";
import { cutText, DISCORD_LIMITS, fitChoices, fitMessage } from "../../../lib/discord/message_limits.ts";
import { checkMessage } from "../../fakes/message_rules.ts";

const long = (n: number, char = "a") => char.repeat(n);

Deno.test("a 70,000-character content is cut to 2000 and no one is mentioned", () => {
  const fitted = fitMessage({ content: `@everyone ${long(70_000)}` });
  assert.equal(fitted.content!.length, DISCORD_LIMITS.content);
  assert.ok(fitted.content!.endsWith("…"));
  assert.deepEqual(fitted.allowedMentions, { parse: [] });
  assert.deepEqual(fitMessage({ content: "short" }).content, "short");
});

Deno.test("cutText never splits a character made of two code units", () => {
  const cut = cutText(`${long(9)}🎵🎵`, 11);
  assert.equal(cut, `${long(9)}…`);
  assert.ok(cut.length <= 11);
});

Deno.test("embeds keep every limit, the 6000 total included", () => {
  const field = { name: long(300), value: long(2000) };
  const fitted = fitMessage({
    embeds: [
      {
        title: long(300),
        description: long(5000),
        fields: Array(30).fill(field),
        footer: { text: long(3000) },
      },
      { title: "second", description: long(5000) },
    ],
  });
  const [first] = fitted.embeds!;
  assert.ok(
    first.title!.length <= 256 && first.description!.length <= 4096 && first.footer!.text.length <= 2048,
  );
  assert.ok(first.fields!.length <= 25);
  for (const f of first.fields!) assert.ok(f.name.length <= 256 && f.value.length <= 1024);
  // The fake Discord's own check of the limits the schema leaves out.
  assert.deepEqual(checkMessage(JSON.parse(JSON.stringify(fitted))), []);
  assert.notDeepEqual(
    checkMessage({ embeds: [{ description: long(4000) }, { description: long(4000) }] }),
    [],
  );
});

Deno.test("autocomplete gets at most 25 choices, names within 100, and no value it would have to cut", () => {
  const choices = Array.from({ length: 30 }, (_, i) => ({ name: `${i} ${long(200)}`, value: `v${i}` }));
  choices[0] = { name: "too long a value", value: long(101) };
  const fitted = fitChoices(choices);
  assert.equal(fitted.length, 25);
  assert.ok(fitted.every((choice) => choice.name.length <= 100 && choice.value.length <= 100));
  assert.equal(fitted[0].value, "v1", "a choice whose value does not fit is left out, not altered");
});

Deno.test("button labels are cut to 80", () => {
  const fitted = fitMessage({
    components: [{ type: 1, components: [{ type: 2, style: 1, label: long(100), customId: "x" }] }],
  });
  const row = fitted.components![0] as { components: { label: string }[] };
  assert.equal(row.components[0].label.length, 80);
});

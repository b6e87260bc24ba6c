import assert from "node:assert/strict";
import {
  pageCount,
  parseQueuePageId,
  QUEUE_PAGE_SIZE,
  queuePage,
  queuePageId,
  type QueuePageInfo,
} from "../../../lib/discord/queue_page.ts";
import type { Track } from "../../../lib/track.ts";

function track(n: number, overrides: Partial<Track> = {}): Track {
  return {
    id: `t${n}`,
    source: { kind: "youtube", videoId: `v${n}` },
    title: `Song ${n}`,
    url: `https://www.youtube.com/watch?v=v${n}`,
    durationSeconds: 60,
    requesterId: `${100 + n}`,
    requestedAt: n,
    ...overrides,
  };
}

/** The schedule `FairQueue.schedule()` would give for these tracks. */
function schedule(tracks: Track[], remaining = 30): QueuePageInfo["entries"] {
  let starts = remaining;
  return tracks.map((t, i) => {
    const entry = { position: i + 1, track: t, startsInSeconds: starts };
    starts += t.durationSeconds ?? 0;
    return entry;
  });
}

function tracks(count: number, overrides: Partial<Track> = {}): Track[] {
  return Array.from({ length: count }, (_, i) => track(i + 1, overrides));
}

type Button = { customId: string; label: string; disabled?: boolean };

function render(info: Partial<QueuePageInfo> & { entries: QueuePageInfo["entries"] }) {
  const body = queuePage({ page: 1, mode: "fair", ...info });
  const embed = body.embeds![0];
  const buttons = (body.components?.[0] as { components: Button[] } | undefined)?.components ?? [];
  const lines = embed.description!.split("\n").filter((line) => /^\*\*\d+\.\*\*/.test(line));
  return { body, embed, buttons, lines };
}

function embedLength(embed: NonNullable<ReturnType<typeof queuePage>["embeds"]>[number]): number {
  const fields = (embed.fields ?? []).reduce((sum, f) => sum + f.name.length + f.value.length, 0);
  return (embed.title ?? "").length + (embed.description ?? "").length + fields +
    (embed.footer?.text ?? "").length;
}

Deno.test("pageCount rounds up and gives an empty queue one page", () => {
  assert.equal(QUEUE_PAGE_SIZE, 10);
  assert.equal(pageCount(0), 1);
  assert.equal(pageCount(1), 1);
  assert.equal(pageCount(10), 1);
  assert.equal(pageCount(11), 2);
  assert.equal(pageCount(50), 5);
  assert.equal(pageCount(-3), 1);
  assert.equal(pageCount(Number.NaN), 1);
});

Deno.test("parseQueuePageId reads the ids queuePageId writes", () => {
  assert.equal(queuePageId(3), "queue:page:3");
  assert.equal(parseQueuePageId("queue:page:3"), 3);
  assert.equal(parseQueuePageId("queue:page:1"), 1);
  assert.equal(parseQueuePageId("queue:page:999999"), 999999);
});

Deno.test("parseQueuePageId refuses anything but the exact shape", () => {
  for (
    const id of [
      "",
      "queue:page:",
      "queue:page:0",
      "queue:page:-1",
      "queue:page:01",
      "queue:page:1.5",
      "queue:page:1e3",
      "queue:page:0x10",
      "queue:page: 2",
      "queue:page:2 ",
      "queue:page:2\n",
      "Queue:page:2",
      "queue:page:1000000",
      "queue:page:99999999999999999999",
      "queue:page:2:extra",
      "xqueue:page:2",
      "queue:page:٣",
      "np:pause",
    ]
  ) assert.equal(parseQueuePageId(id), undefined, JSON.stringify(id));
});

Deno.test("queuePage lists position, title, duration, requester and when it plays", () => {
  const { lines } = render({ entries: schedule(tracks(3)) });
  assert.equal(lines.length, 3);
  assert.equal(lines[0], "**1.** [**Song 1**](<https://www.youtube.com/watch?v=v1>) (1:00) · <@101> · next");
  assert.equal(
    lines[1],
    "**2.** [**Song 2**](<https://www.youtube.com/watch?v=v2>) (1:00) · <@102> · in 1:30",
  );
  assert.ok(lines[2].endsWith("· in 2:30"), lines[2]);
});

Deno.test("queuePage shows ten tracks per page and the wanted page", () => {
  const entries = schedule(tracks(25));
  assert.equal(render({ entries }).lines.length, 10);
  const second = render({ entries, page: 2 }).lines;
  assert.equal(second.length, 10);
  assert.ok(second[0].startsWith("**11.**"), second[0]);
  const last = render({ entries, page: 3 }).lines;
  assert.equal(last.length, 5);
  assert.ok(last[4].startsWith("**25.**"), last[4]);
});

Deno.test("queuePage clamps a page that no longer exists", () => {
  const entries = schedule(tracks(12));
  assert.equal(render({ entries, page: 9 }).embed.footer!.text, "Page 2/2 · fair queue");
  assert.equal(render({ entries, page: 0 }).embed.footer!.text, "Page 1/2 · fair queue");
  assert.equal(render({ entries, page: Number.NaN }).embed.footer!.text, "Page 1/2 · fair queue");
});

Deno.test("queuePage footer names the page and the mode", () => {
  const entries = schedule(tracks(45));
  assert.equal(render({ entries, page: 2 }).embed.footer!.text, "Page 2/5 · fair queue");
  assert.equal(render({ entries, page: 5, mode: "fifo" }).embed.footer!.text, "Page 5/5 · fifo queue");
});

Deno.test("queuePage buttons point at the neighbouring pages and are disabled at the ends", () => {
  const entries = schedule(tracks(25));
  const first = render({ entries, page: 1 }).buttons;
  assert.deepEqual(first.map((b) => [b.label, b.customId, b.disabled]), [
    ["◀", "queue:page:0", true],
    ["▶", "queue:page:2", false],
  ]);
  const middle = render({ entries, page: 2 }).buttons;
  assert.deepEqual(middle.map((b) => [b.customId, b.disabled]), [["queue:page:1", false], [
    "queue:page:3",
    false,
  ]]);
  const last = render({ entries, page: 3 }).buttons;
  assert.deepEqual(last.map((b) => [b.customId, b.disabled]), [["queue:page:2", false], [
    "queue:page:4",
    true,
  ]]);
});

Deno.test("queuePage buttons on a single page are both disabled and still distinct", () => {
  const { buttons } = render({ entries: schedule(tracks(3)) });
  assert.ok(buttons.every((b) => b.disabled));
  assert.notEqual(buttons[0].customId, buttons[1].customId);
});

Deno.test("queuePage enabled buttons carry ids parseQueuePageId accepts", () => {
  const entries = schedule(tracks(35));
  for (let page = 1; page <= 4; page++) {
    for (const b of render({ entries, page }).buttons) {
      if (!b.disabled) assert.ok(parseQueuePageId(b.customId) !== undefined, b.customId);
    }
  }
});

Deno.test("queuePage header has the now-playing track and the totals", () => {
  const current = track(99, { title: "Playing Now", requesterId: "555" });
  const { embed } = render({ entries: schedule(tracks(3)), current });
  const nowPlaying = embed.fields!.find((f) => f.name === "Now playing")!.value;
  assert.ok(nowPlaying.includes("Playing Now") && nowPlaying.includes("<@555>"), nowPlaying);
  assert.ok(embed.description!.startsWith("**3 tracks** · 3:00 in total"), embed.description);
});

Deno.test("queuePage totals mention tracks of unknown length", () => {
  const entries = schedule([track(1), track(2, { durationSeconds: undefined }), track(3)]);
  const description = render({ entries }).embed.description!;
  assert.ok(description.startsWith("**3 tracks** · 2:00 in total, plus 1 of unknown length"), description);
  assert.ok(description.includes("(?:??)"), description);
});

Deno.test("queuePage says one track, not one tracks", () => {
  assert.ok(render({ entries: schedule(tracks(1)) }).embed.description!.startsWith("**1 track** ·"));
});

Deno.test("queuePage marks autoplay picks instead of mentioning anyone", () => {
  const { lines } = render({ entries: schedule([track(1, { autoplay: true })]) });
  assert.ok(lines[0].includes("· autoplay ·"), lines[0]);
  assert.ok(!lines[0].includes("<@"), lines[0]);
});

Deno.test("queuePage gives a friendly line for an empty queue and drops the buttons", () => {
  const { body, embed } = render({ entries: [] });
  assert.ok(/queue is empty/i.test(embed.description!), embed.description);
  assert.ok(embed.description!.includes("/play"));
  assert.deepEqual(body.components, []);
  assert.equal(embed.footer!.text, "Page 1/1 · fair queue");
});

Deno.test("queuePage shows the current track even when the queue is empty", () => {
  const { embed } = render({ entries: [], current: track(7) });
  assert.equal(embed.fields!.length, 1);
  assert.ok(embed.fields![0].value.includes("Song 7"));
});

Deno.test("queuePage escapes markdown and mentions in titles", () => {
  const entries = schedule([track(1, { title: "@everyone **loud** <@123> ||spoiler|| ~~x~~" })]);
  const { lines } = render({ entries });
  assert.ok(
    lines[0].includes("@\u200beveryone \\*\\*loud\\*\\* <@\u200b123\\> \\|\\|spoiler\\|\\| \\~\\~x\\~\\~"),
    lines[0],
  );
  assert.ok(!/@everyone|<@123>/.test(lines[0]), lines[0]);
});

Deno.test("queuePage keeps each title on its own line", () => {
  const { lines, embed } = render({
    entries: schedule([track(1, { title: "line one\n**2.** fake entry" })]),
  });
  assert.equal(lines.length, 1);
  assert.ok(embed.description!.includes("line one \\*\\*2.\\*\\* fake entry"), embed.description);
});

Deno.test("queuePage cuts long titles sensibly", () => {
  const { lines } = render({ entries: schedule([track(1, { title: "word ".repeat(100) })]) });
  const title = /\[\*\*(.*)\*\*\]/.exec(lines[0])![1];
  assert.ok(title.length <= 80, String(title.length));
  assert.ok(title.endsWith("…"), title);
});

Deno.test("queuePage does not link urls that would break the line", () => {
  const odd = [
    track(1, { url: "https://x.test/a)b" }),
    track(2, { url: `https://x.test/${"a".repeat(500)}` }),
    track(3, { url: "ftp://x.test/a" }),
  ];
  for (const line of render({ entries: schedule(odd) }).lines) {
    assert.ok(!line.includes("]("), line);
  }
});

Deno.test("queuePage with ten 300-character titles stays inside Discord's limits", () => {
  const longTitles = [
    "a".repeat(300),
    "*".repeat(300),
    "@".repeat(300),
    "🎵".repeat(300),
    "[x](y) ".repeat(43),
  ];
  const list = Array.from({ length: 10 }, (_, i) =>
    track(i + 1, {
      title: longTitles[i % longTitles.length],
      url: `https://example.com/${"p".repeat(180)}`,
      requesterId: "12345678901234567890",
      durationSeconds: 35999,
    }));
  const current = track(0, { title: "_".repeat(300), url: `https://example.com/${"q".repeat(180)}` });
  const { body, embed, buttons, lines } = render({ entries: schedule(list, 99999), current });
  assert.equal(lines.length, 10);
  assert.ok(embed.description!.length <= 4096, String(embed.description!.length));
  assert.ok((embed.title ?? "").length <= 256);
  for (const field of embed.fields ?? []) assert.ok(field.name.length <= 256 && field.value.length <= 1024);
  assert.ok(embed.footer!.text.length <= 2048);
  assert.ok(embedLength(embed) <= 6000, String(embedLength(embed)));
  assert.equal(body.embeds!.length, 1);
  for (const b of buttons) assert.ok(b.label.length <= 80 && b.customId.length <= 100);
});

Deno.test("queuePage with 10000 tracks still builds a small last page", () => {
  const entries = schedule(tracks(10000));
  const { embed, lines } = render({ entries, page: 1000 });
  assert.equal(lines.length, 10);
  assert.equal(embed.footer!.text, "Page 1000/1000 · fair queue");
  assert.ok(embed.description!.startsWith("**10000 tracks** · 166:40:00 in total"), embed.description);
});

Deno.test("a track's skipped parts are left out of its length and of the total", () => {
  const skipping = track(1, { durationSeconds: 200, skipSegments: [{ startSeconds: 0, endSeconds: 20 }] });
  const { embed, lines } = render({ entries: schedule([skipping, track(2)]) });
  assert.match(lines[0], /\(3:00\)/);
  assert.match(embed.description!, /4:00 in total/);
});

Deno.test("a live stream is listed as LIVE, playing or waiting", () => {
  const live = track(1, { live: true, durationSeconds: undefined });
  const { embed } = render({
    entries: schedule([live]),
    current: track(2, { live: true, durationSeconds: undefined }),
  });
  assert.match(embed.fields![0].value, /\(🔴 LIVE\)/);
  assert.match(embed.description!, /\(🔴 LIVE\)/);
});

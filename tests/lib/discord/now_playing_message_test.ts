import assert from "node:assert/strict";
import { ButtonStyles, MessageComponentTypes } from "discordeno";
import {
  CONTROL_IDS,
  controlOf,
  likeButtonId,
  likedTrackIdOf,
  LYRICS_BUTTON_ID,
  type NowPlayingInfo,
  nowPlayingMessage,
  progressBar,
} from "../../../lib/discord/now_playing_message.ts";
import type { Track } from "../../../lib/track.ts";

function track(overrides: Partial<Track> = {}): Track {
  return {
    id: "t1",
    source: { kind: "youtube", videoId: "abc" },
    title: "Never Gonna Give You Up",
    url: "https://www.youtube.com/watch?v=abc",
    durationSeconds: 187,
    requesterId: "111",
    requestedAt: 0,
    ...overrides,
  };
}

function message(overrides: Partial<NowPlayingInfo> = {}) {
  const body = nowPlayingMessage({
    track: track(),
    positionSeconds: 83,
    paused: false,
    loop: "off",
    queueLength: 0,
    ...overrides,
  });
  const embed = body.embeds![0];
  const row = body.components![0] as { type: number; components: { customId?: string; label?: string }[] };
  const field = (name: string) => embed.fields!.find((f) => f.name === name)?.value ?? "";
  return { body, embed, row, field };
}

const BAR_CHARS = /^[▬🔘]+$/u;

Deno.test("progressBar puts the knob in proportion and shows both times", () => {
  assert.equal(progressBar(0, 100, 5), "🔘▬▬▬▬ 0:00 / 1:40");
  assert.equal(progressBar(50, 100, 5), "▬▬🔘▬▬ 0:50 / 1:40");
  assert.equal(progressBar(100, 100, 5), "▬▬▬▬🔘 1:40 / 1:40");
});

Deno.test("progressBar is 12 segments wide by default", () => {
  const [bar, times] = progressBar(83, 187).split(" ", 2);
  assert.equal([...bar].length, 12);
  assert.ok(BAR_CHARS.test(bar), bar);
  assert.equal(times, "1:23");
  assert.ok(progressBar(83, 187).endsWith("1:23 / 3:07"));
});

Deno.test("progressBar pins positions past the end or before the start", () => {
  assert.equal(progressBar(500, 100, 4), "▬▬▬🔘 1:40 / 1:40");
  assert.equal(progressBar(-5, 100, 4), "🔘▬▬▬ 0:00 / 1:40");
  assert.equal(progressBar(Number.NaN, 100, 4), "🔘▬▬▬ 0:00 / 1:40");
});

Deno.test("progressBar without a known length has no knob and says so", () => {
  assert.equal(progressBar(83, undefined, 4), "▬▬▬▬ 1:23 / ?:??");
  assert.equal(progressBar(83, 0, 4), "▬▬▬▬ 1:23 / ?:??");
  assert.equal(progressBar(83, Number.POSITIVE_INFINITY, 4), "▬▬▬▬ 1:23 / ?:??");
});

Deno.test("progressBar keeps a sane width for odd widths", () => {
  assert.equal([...progressBar(0, 10, 0).split(" ")[0]].length, 2);
  assert.equal([...progressBar(0, 10, 3.7).split(" ")[0]].length, 3);
  assert.equal([...progressBar(0, 10, Number.NaN).split(" ")[0]].length, 12);
  assert.equal([...progressBar(0, 10, 1e9).split(" ")[0]].length, 100);
});

Deno.test("progressBar writes hours for long tracks", () => {
  assert.ok(progressBar(3723, 7200).endsWith("1:02:03 / 2:00:00"));
});

Deno.test("nowPlayingMessage links the title to the track", () => {
  const { embed } = message();
  assert.equal(embed.title, "Never Gonna Give You Up");
  assert.equal(embed.url, "https://www.youtube.com/watch?v=abc");
});

Deno.test("nowPlayingMessage escapes markdown and mentions in the title", () => {
  const { embed, field } = message({
    track: track({ title: "**bold** @everyone [x](y)" }),
    upNext: track({ id: "t2", title: "_a_ <@&123> `code`" }),
    queueLength: 1,
  });
  assert.equal(embed.title, "\\*\\*bold\\*\\* @\u200beveryone \\[x\\]\\(y\\)");
  assert.ok(field("Up next").includes("\\_a\\_ <@\u200b&123\\> \\`code\\`"), field("Up next"));
  assert.ok(!/@everyone/.test(JSON.stringify(embed)));
});

Deno.test("nowPlayingMessage mentions the requester", () => {
  assert.equal(message().field("Requested by"), "<@111>");
});

Deno.test("nowPlayingMessage marks autoplay picks", () => {
  const { field } = message({ track: track({ autoplay: true }) });
  assert.ok(/autoplay/i.test(field("Requested by")), field("Requested by"));
  assert.ok(!field("Requested by").includes("<@"));
});

Deno.test("nowPlayingMessage shows progress and whether it is paused", () => {
  const playing = message().embed.description!;
  assert.ok(playing.includes("1:23 / 3:07"), playing);
  assert.ok(/playing/i.test(playing), playing);
  const paused = message({ paused: true }).embed.description!;
  assert.ok(/paused/i.test(paused), paused);
});

Deno.test("nowPlayingMessage handles an unknown length", () => {
  const description = message({ track: track({ durationSeconds: undefined }) }).embed.description!;
  assert.ok(description.includes("1:23 / ?:??"), description);
  assert.ok(!description.includes("🔘"), description);
});

Deno.test("nowPlayingMessage shows the loop mode", () => {
  assert.equal(message({ loop: "off" }).field("Loop"), "Off");
  assert.ok(/track/i.test(message({ loop: "track" }).field("Loop")));
  assert.ok(/queue/i.test(message({ loop: "queue" }).field("Loop")));
});

Deno.test("nowPlayingMessage shows what is up next and how many more wait", () => {
  const upNext = track({ id: "t2", title: "Next One", requesterId: "222", durationSeconds: 61 });
  const value = message({ upNext, queueLength: 4 }).field("Up next");
  assert.ok(value.includes("[**Next One**](<https://www.youtube.com/watch?v=abc>) (1:01)"), value);
  assert.ok(value.includes("<@222>"), value);
  assert.ok(value.includes("3 more"), value);
  const only = message({ upNext, queueLength: 1 }).field("Up next");
  assert.ok(!only.includes("more"), only);
});

Deno.test("nowPlayingMessage says when nothing is up next", () => {
  assert.ok(/nothing queued/i.test(message().field("Up next")));
});

Deno.test("nowPlayingMessage has pause, skip, stop, lyrics and like buttons; like names the track shown", () => {
  const { row } = message();
  assert.equal(row.type, MessageComponentTypes.ActionRow);
  const likeId = row.components[4].customId!;
  assert.deepEqual(row.components.map((b) => b.customId), [
    CONTROL_IDS.pause,
    CONTROL_IDS.skip,
    CONTROL_IDS.stop,
    LYRICS_BUTTON_ID,
    likeButtonId(track().id),
  ]);
  assert.equal(likedTrackIdOf(likeId), track().id);
  assert.equal(likedTrackIdOf("np:like:"), undefined);
  assert.equal(likedTrackIdOf("np:skip"), undefined);
  assert.deepEqual(row.components.map((b) => b.label), ["Pause", "Skip", "Stop", "Lyrics", "Like"]);
  const stop = row.components[2] as { style: ButtonStyles; type: number };
  assert.equal(stop.style, ButtonStyles.Danger);
  assert.equal(stop.type, MessageComponentTypes.Button);
});

Deno.test("nowPlayingMessage offers resume when paused", () => {
  const { row } = message({ paused: true });
  assert.equal(row.components[0].customId, CONTROL_IDS.resume);
  assert.equal(row.components[0].label, "Resume");
});

Deno.test("nowPlayingMessage cuts a very long title to fit Discord's 256", () => {
  const { embed, field } = message({
    track: track({ title: "*".repeat(1000) }),
    upNext: track({ title: "_".repeat(2000) }),
    queueLength: 1,
  });
  assert.ok(embed.title!.length <= 256, String(embed.title!.length));
  assert.ok(embed.title!.endsWith("…"));
  assert.ok(!embed.title!.endsWith("\\…"), "never cut inside an escape");
  assert.ok(field("Up next").length <= 1024);
});

Deno.test("nowPlayingMessage cuts titles on a character boundary", () => {
  const title = nowPlayingMessage({
    track: track({ title: "🎵".repeat(300) }),
    positionSeconds: 0,
    paused: false,
    loop: "off",
    queueLength: 0,
  }).embeds![0].title!;
  assert.ok(title.length <= 256);
  assert.ok(/^(🎵)+…$/u.test(title), title);
});

Deno.test("nowPlayingMessage keeps titles on one line", () => {
  assert.equal(message({ track: track({ title: "a\n\n# b\tc" }) }).embed.title, "a # b c");
});

Deno.test("nowPlayingMessage drops a link Discord would refuse", () => {
  assert.equal(message({ track: track({ url: "not a url" }) }).embed.url, undefined);
  assert.equal(message({ track: track({ url: `https://x.test/${"a".repeat(3000)}` }) }).embed.url, undefined);
  const upNext = track({ url: "javascript:alert(1)", title: "Sneaky" });
  const value = message({ upNext, queueLength: 1 }).field("Up next");
  assert.ok(value.startsWith("**Sneaky** (3:07)"), value);
});

Deno.test("CONTROL_IDS fit Discord's custom id limit and are distinct", () => {
  const ids = Object.values(CONTROL_IDS);
  assert.equal(new Set(ids).size, ids.length);
  for (const id of ids) assert.ok(id.length >= 1 && id.length <= 100);
});

Deno.test("controlOf reads back only the ids it draws", () => {
  assert.equal(controlOf("np:pause"), "pause");
  assert.equal(controlOf("np:stop"), "stop");
  assert.equal(controlOf("np:stop "), undefined);
  assert.equal(controlOf("NP:STOP"), undefined);
  assert.equal(controlOf("toString"), undefined);
  assert.equal(controlOf(""), undefined);
});

Deno.test("a card following synced lyrics shows the line sung in bold between its neighbours", () => {
  const lines = ["One", "Two *stars*", "Three", "Four"].map((text, i) => ({ atSeconds: i * 4, text }));
  const { field, row } = message({ lyrics: { lines, index: 1 } });
  assert.equal(field("🎤 Lyrics"), "One\n**Two \\*stars\\***\nThree");
  assert.equal(row.components[3].label, "Hide lyrics");
  assert.equal(message({ lyrics: { lines, index: -1 } }).field("🎤 Lyrics"), "One");
});

Deno.test("skipped parts shorten the length and position shown, and are listed", () => {
  const { embed, field } = message({
    positionSeconds: 30,
    skipSegments: [{ startSeconds: 0, endSeconds: 10 }, { startSeconds: 150, endSeconds: 180 }],
  });
  assert.match(embed.description!, / 0:20 \/ 2:27$/);
  assert.equal(field("Non-music parts (SponsorBlock)"), "Skipped 0:00–0:10\nSkipping 2:30–3:00");
});

Deno.test("a live stream shows LIVE and the time listened, with no length or progress bar", () => {
  const { embed } = message({
    track: track({ durationSeconds: undefined, live: true }),
    live: true,
    positionSeconds: 95,
  });
  assert.equal(embed.description, "▶️ Playing\n🔴 LIVE · listening for 1:35");
  const upNext = message({
    upNext: track({ id: "t2", live: true, durationSeconds: undefined }),
    queueLength: 1,
  });
  assert.match(upNext.field("Up next"), /\(🔴 LIVE\)/);
});

/**
 * /lyrics end to end against an LRCLIB stand-in: plain lyrics a page at a time, an instrumental, a song with
 * no lyrics, the service down or too slow (a polite reply), and synced lyrics that the now-playing card
 * follows line by line, edited at most once every three seconds.
 */
import assert from "node:assert/strict";
import { answerText, firstResponse } from "./bot_answers.ts";
import { FakeYoutube } from "../fakes/fake_youtube.ts";
import type { FakeInteraction } from "../fakes/fake_interaction.ts";
import { type LrclibRecord, startFakeLrclib } from "../fakes/fake_lrclib.ts";
import { waitUntil } from "../fakes/wait_until.ts";
import type { TestWorld } from "./test_world.ts";
import { worldTest } from "./with_world.ts";

interface Embed {
  title?: string;
  description?: string;
  footer?: { text: string };
  fields?: { name: string; value: string }[];
}
interface Body {
  content?: string;
  flags?: number;
  embeds?: Embed[];
  components?: {
    components: { custom_id?: string; customId?: string; label?: string; disabled?: boolean }[];
  }[];
}

/** What the interaction finally shows: its first response's data, or what follows "thinking…". */
async function shown(interaction: FakeInteraction): Promise<Body> {
  const response = await firstResponse(interaction);
  if (response.type === 4 || response.type === 7) return response.data as Body;
  return (await interaction.waitForMessage(undefined, 30_000)).body as Body;
}

const lyrics = (world: TestWorld) => world.discord.sendCommand({ name: "lyrics", userId: world.alice });
const skip = (world: TestWorld) => shown(world.discord.sendCommand({ name: "skip", userId: world.alice }));
const buttonIds = (body: Body) =>
  (body.components ?? []).flatMap((row) => row.components.map((b) => b.custom_id ?? b.customId ?? ""));

const PLAIN_LINES = Array.from({ length: 150 }, (_, i) => `Plain line ${i + 1} of a long song`);
const SYNCED_AT = [1, 5, 9, 13, 17, 21, 25, 29, 33, 37];
const SYNCED_WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"];

const RECORDS: LrclibRecord[] = [
  {
    trackName: "Plain Song",
    artistName: "Plain Band",
    albumName: "Some Album",
    duration: 8,
    instrumental: false,
    plainLyrics: PLAIN_LINES.join("\n"),
    syncedLyrics: null,
    searchOnly: true,
  },
  {
    trackName: "Quiet Piece",
    artistName: "Quiet Band",
    albumName: "Calm",
    duration: 8,
    instrumental: true,
    plainLyrics: null,
    syncedLyrics: null,
  },
  {
    trackName: "Synced Song",
    artistName: "Synced Band",
    albumName: "Timed",
    duration: 40,
    instrumental: false,
    plainLyrics: SYNCED_WORDS.map((w) => `Line ${w}`).join("\n"),
    syncedLyrics: SYNCED_AT.map((s, i) => `[00:${String(s).padStart(2, "0")}.00] Line ${SYNCED_WORDS[i]}`)
      .join("\n"),
  },
];

worldTest(
  "/lyrics: plain and paged, instrumental, not found, service down or slow, synced lyrics followed on the card",
  async (world, t) => {
    const youtube = await FakeYoutube.create(world, {
      videos: [
        {
          id: "plainSong01",
          title: "Plain Band - Plain Song (Official Video)",
          frequencyHz: 300,
          seconds: 8,
        },
        { id: "quietPiece1", title: "Quiet Band - Quiet Piece", frequencyHz: 400, seconds: 8 },
        { id: "unknownSng1", title: "Nobody Knows - Unknown Song", frequencyHz: 500, seconds: 8 },
        { id: "syncedSong1", title: "Synced Band - Synced Song", frequencyHz: 600, seconds: 40 },
      ],
    });
    const lrclib = startFakeLrclib(RECORDS);
    world.closeWith(() => lrclib.close());
    await world.startBot({ ...youtube.env, LRCLIB_URL: lrclib.url, TRAZOM_PLAY_RATE: "off" });
    for (const id of ["plainSong01", "quietPiece1", "unknownSng1", "syncedSong1"]) {
      await answerText(world.play(youtube.watchUrl(id)));
    }

    await t.step("plain lyrics come a page at a time, with buttons that turn pages", async () => {
      const interaction = lyrics(world);
      const first = await shown(interaction);
      const [embed] = first.embeds!;
      assert.match(embed.title!, /Plain Song/);
      assert.match(embed.description!, /^Plain line 1 of a long song\n/);
      assert.ok(embed.description!.length <= 4096);
      assert.match(embed.footer!.text, /^Page 1\/3 · from LRCLIB$/);
      const next = buttonIds(first).find((id) => id.startsWith("lyrics:page:2:"));
      assert.ok(next, `a button to page 2 in ${JSON.stringify(first.components)}`);
      const press = world.discord.sendComponent({
        customId: next,
        messageId: interaction.originalMessageId!,
        userId: world.alice,
      });
      const second = await shown(press);
      assert.match(second.embeds![0].footer!.text, /^Page 2\/3/);
      assert.doesNotMatch(second.embeds![0].description!, /Plain line 1 of/);
      assert.ok(
        lrclib.requests.some((r) => r.startsWith("/api/get?") && r.includes("track_name=Plain+Song")),
        "the exact match was tried first, with the title cleaned of its upload notes",
      );
      assert.ok(lrclib.requests.some((r) => r.startsWith("/api/search?q=Plain+Band+Plain+Song")));
      await skip(world);
    });

    await t.step("an instrumental says it has no words", async () => {
      assert.match((await shown(lyrics(world))).content!, /Quiet Piece\*\* is an instrumental/);
      await skip(world);
    });

    await t.step("a song LRCLIB does not know is said so", async () => {
      assert.match(
        (await shown(lyrics(world))).content!,
        /couldn't find lyrics for \*\*Nobody Knows - Unknown Song/,
      );
      await skip(world);
    });

    await t.step("LRCLIB down, then too slow: a polite reply each time", async () => {
      try {
        for (const mode of ["down", "slow"] as const) {
          lrclib.mode = mode;
          const started = Date.now();
          const answer = await shown(lyrics(world));
          assert.match(answer.content!, /lyrics service isn't answering right now/, mode);
          assert.equal(answer.flags, 64, "shown only to whoever asked");
          console.log(`LRCLIB ${mode}: answered in ${Date.now() - started} ms`);
        }
      } finally {
        lrclib.mode = "up";
      }
    });

    await t.step("synced lyrics: the card follows the song, one edit per 3 s at most", async () => {
      const shownLyrics = await shown(lyrics(world));
      assert.match(shownLyrics.embeds![0].description!, /^Line zero\nLine one\n/);
      assert.match(shownLyrics.embeds![0].footer!.text, /follow along/);
      const card = world.discord.sendCommand({ name: "nowplaying", userId: world.alice });
      const cardBody = await shown(card);
      assert.ok(buttonIds(cardBody).includes("np:lyrics"), "the card has a lyrics button");
      const cardId = card.originalMessageId!;
      const pressedAt = Date.now();
      const press = world.discord.sendComponent({
        customId: "np:lyrics",
        messageId: cardId,
        userId: world.alice,
      });
      const following = await shown(press);
      const field = () => following.embeds![0].fields!.find((f) => f.name === "🎤 Lyrics")?.value;
      assert.ok(field(), `the card shows the lyrics: ${JSON.stringify(following.embeds)}`);
      const edits = () =>
        world.discord.requests.filter((r) => r.method === "PATCH" && r.path.endsWith(`/messages/${cardId}`));
      await waitUntil(() => edits().length >= 3, "three edits of the card", 30_000);
      const current = edits().map((edit) => {
        const fields = ((edit.body as Body).embeds ?? [])[0]?.fields ?? [];
        return /\*\*Line (\w+)\*\*/.exec(fields.find((f) => f.name === "🎤 Lyrics")?.value ?? "")?.[1] ?? "";
      });
      const order = current.map((word) => SYNCED_WORDS.indexOf(word));
      assert.ok(order.every((i) => i >= 0), `each edit shows a line in bold: ${current}`);
      assert.ok(order.every((i, k) => k === 0 || i > order[k - 1]), `the lines move forward: ${current}`);
      const times = [pressedAt, ...edits().map((edit) => edit.at)];
      const gaps = times.slice(1).map((at, k) => at - times[k]);
      console.log(`card edits ${gaps.join(", ")} ms apart, showing ${current.join(", ")}`);
      assert.ok(gaps.every((gap) => gap >= 2_900), `at most one edit per 3 s: ${gaps}`);

      const stop = await shown(
        world.discord.sendComponent({ customId: "np:lyrics", messageId: cardId, userId: world.alice }),
      );
      assert.ok(
        !stop.embeds![0].fields!.some((f) => f.name === "🎤 Lyrics"),
        "pressed again, the card stops following",
      );
      const editsThen = edits().length;
      const stoppedAt = Date.now();
      await waitUntil(() => Date.now() - stoppedAt > 7_000, "7 s after stopping");
      assert.equal(edits().length, editsThen, "no edit in the 7 s after following stopped");
    });
    assert.deepEqual(world.discord.rejections, [], "Discord accepted every message the bot sent");
  },
);

import assert from "node:assert/strict";
import type { GuildSession } from "../../../lib/guild/guild_session.ts";
import { type CardAddress, LyricsFollower } from "../../../lib/discord/lyrics_follower.ts";
import type { ReplyBody } from "../../../lib/discord/interaction_reply.ts";
import { waitUntil } from "../../fakes/wait_until.ts";

const LINES = [0, 4, 8].map((atSeconds, i) => ({ atSeconds, text: `line ${i}` }));
const CARD: CardAddress = { channelId: "c", messageId: "m" };
const TICK_MS = 20;

/** A session playing track `id` at a position the test sets. */
function fakeSession() {
  const playing = {
    track: { id: "t1", title: "Song", url: "https://example.com/", requesterId: "1", requestedAt: 0 },
    positionSeconds: 1,
    paused: false,
    durationSeconds: 20,
  };
  const session = {
    nowPlaying: () => playing,
    queue: { peek: () => [], length: 0 },
    loop: "off",
  } as unknown as GuildSession;
  return { session, playing };
}

function setup(edit?: (card: CardAddress, body: ReplyBody) => Promise<unknown>) {
  const { session, playing } = fakeSession();
  const edits: { card: CardAddress; body: ReplyBody }[] = [];
  const follower = new LyricsFollower(
    () => session,
    edit ?? ((card, body) => Promise.resolve(void edits.push({ card, body }))),
    TICK_MS,
  );
  const bold = (body: ReplyBody) => body.embeds![0].fields!.find((f) => f.name === "🎤 Lyrics")?.value;
  return { follower, playing, edits, bold };
}

Deno.test("the card is edited only when the line changes, with the new line in bold", async () => {
  const { follower, playing, edits, bold } = setup();
  try {
    assert.deepEqual(follower.start("g", CARD, "t1", LINES), { lines: LINES, index: 0 });
    const quietUntil = Date.now() + 10 * TICK_MS;
    await waitUntil(() => Date.now() > quietUntil, "ten ticks with the same line");
    assert.equal(edits.length, 0, "no edit in ten ticks while the line stayed the same");
    playing.positionSeconds = 5;
    await waitUntil(() => edits.length === 1, "an edit for the next line");
    assert.deepEqual(edits[0].card, CARD);
    assert.equal(bold(edits[0].body), "line 0\n**line 1**\nline 2");
    assert.deepEqual(follower.lyricsOn("g", "m"), { lines: LINES, index: 1 });
    assert.equal(follower.lyricsOn("g", "another message"), undefined);
  } finally {
    follower.stopAll();
  }
});

Deno.test("a new song, or a failed edit, ends the follow", async () => {
  const { follower, playing, edits } = setup();
  follower.start("g", CARD, "t1", LINES);
  playing.track = { ...playing.track, id: "t2" };
  await waitUntil(() => follower.lyricsOn("g", "m") === undefined, "the follow to end");
  assert.equal(edits.length, 0);

  const failing = setup(() => Promise.reject(new Error("Unknown Message")));
  failing.follower.start("g", CARD, "t1", LINES);
  failing.playing.positionSeconds = 9;
  await waitUntil(
    () => failing.follower.lyricsOn("g", "m") === undefined,
    "the follow to end after the failure",
  );
});

Deno.test("an edit still on its way holds back the next one", async () => {
  let release = () => {};
  let calls = 0;
  const { follower, playing } = setup(() => {
    calls++;
    return new Promise<void>((resolve) => (release = resolve));
  });
  try {
    follower.start("g", CARD, "t1", LINES);
    playing.positionSeconds = 5;
    await waitUntil(() => calls === 1, "the first edit");
    playing.positionSeconds = 9;
    const heldUntil = Date.now() + 10 * TICK_MS;
    await waitUntil(() => Date.now() > heldUntil, "ten ticks while the edit hangs");
    assert.equal(calls, 1, "no second edit while the first is on its way");
    release();
    await waitUntil(() => calls === 2, "the next edit once the first is through");
  } finally {
    follower.stopAll();
  }
});

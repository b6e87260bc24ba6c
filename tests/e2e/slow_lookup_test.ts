/**
 * One slow server delays only its own request: while Alice's /play waits on a link that sends a byte every
 * 15 s, Bob's /play of an ordinary link in the same guild is looked up, answered and played; and while two
 * such lookups of one guild are under way, another guild's /play still gets a yt-dlp slot.
 */
import assert from "node:assert/strict";
import { answerText } from "./bot_answers.ts";
import { addTone } from "./media_library.ts";
import { worldTest } from "./with_world.ts";
import { holdsFor } from "../fakes/wait_until.ts";

const BYTE_EVERY_MS = 15_000;

/**
 * A web page that never finishes: one byte every 15 s until the test ends. `requests` counts yt-dlp's
 * requests only: the bot's own first look at a link (a ranged GET that tells a media file from a page) takes
 * no yt-dlp slot.
 */
function startTricklingServer(stop: AbortSignal) {
  let requests = 0;
  const requested = Promise.withResolvers<void>();
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {}, signal: stop }, (request) => {
    if (!request.headers.has("range")) {
      requests++;
      requested.resolve();
    }
    let timer: ReturnType<typeof setInterval> | undefined;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode("<"));
        timer = setInterval(() => {
          try {
            controller.enqueue(new TextEncoder().encode(" "));
          } catch {
            clearInterval(timer);
          }
        }, BYTE_EVERY_MS);
        stop.addEventListener("abort", () => {
          clearInterval(timer);
          try {
            controller.close();
          } catch {
            // The client already went away.
          }
        }, { once: true });
      },
      cancel: () => clearInterval(timer),
    });
    return new Response(body, { headers: { "content-type": "text/html" } });
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}/page`,
    requested: requested.promise,
    server,
    get requests() {
      return requests;
    },
  };
}

worldTest("a link that sends a byte every 15 s does not delay another member's /play", async (world) => {
  const stop = new AbortController();
  const slow = startTricklingServer(stop.signal);
  world.closeWith(async () => {
    stop.abort();
    await slow.server.finished;
  });
  const song = await addTone(world, "bob.mp3", 440, 3);
  world.discord.setVoiceState(world.bob, world.discord.guild.voiceChannelId);
  await world.startBot();

  const alices = world.play(slow.url, world.alice);
  let aliceAnswered = false;
  answerText(alices).then(() => aliceAnswered = true, () => aliceAnswered = true);
  await slow.requested;

  const startedAt = Date.now();
  const bobs = await answerText(world.play(song, world.bob));
  console.log(`Bob's answer after ${Date.now() - startedAt} ms: ${bobs}`);
  assert.match(bobs, /bob/);
  assert.equal(aliceAnswered, false, "Alice's slow lookup was still under way when Bob was answered");
  await world.voice.waitForPackets(50, 30_000);
  assert.ok(!aliceAnswered, "Bob's song plays while Alice's lookup still waits on its slow server");
});

worldTest(
  "two slow lookups of one guild: the second waits (no request for 5 s), and another guild's /play gets a slot",
  async (world) => {
    const stop = new AbortController();
    const slow = startTricklingServer(stop.signal);
    world.closeWith(async () => {
      stop.abort();
      await slow.server.finished;
    });
    const song = await addTone(world, "elsewhere.mp3", 440, 3);
    const [first, second] = world.discord.guilds;
    world.discord.setVoiceState(world.bob, first.voiceChannelId);
    // Two yt-dlp runs at once in the resolver, as by default; the test says so rather than rely on it.
    await world.startBot({ TRAZOM_YTDLP_JOBS: "2" });

    let slowAnswered = 0;
    for (const [user, page] of [[world.alice, "a"], [world.bob, "b"]]) {
      const counted = () => void slowAnswered++;
      answerText(world.playIn(first.id, `${slow.url}?${page}`, user)).then(counted, counted);
    }
    await slow.requested;
    // Watched for a stated window: the guild's second lookup must wait for its first, leaving a slot free.
    await holdsFor(
      5_000,
      () => slow.requests > 1 ? `yt-dlp asked the slow server ${slow.requests} times` : undefined,
      "one guild's second slow lookup to leave the last yt-dlp slot free",
    );

    const startedAt = Date.now();
    const reply = await answerText(world.playIn(second.id, song));
    console.log(`the other guild's answer after ${Date.now() - startedAt} ms: ${reply}`);
    assert.match(reply, /elsewhere/);
    assert.equal(slowAnswered, 0, "both slow lookups were still under way");
  },
  { daveProtocolVersion: 0, discord: { extraGuilds: 1 } },
);

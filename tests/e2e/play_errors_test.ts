/**
 * /play requests the bot must turn down: each gets a polite reply only the caller sees, nothing is queued,
 * and links it must not fetch cause no request at all.
 */
import { answerText, privateAnswer } from "./bot_answers.ts";
import assert from "node:assert/strict";
import { worldTest } from "./with_world.ts";
import { addTone } from "./media_library.ts";
import { toneOrder } from "./received_audio.ts";

worldTest("requests the bot cannot serve get a clear private reply and change nothing", async (world, t) => {
  world.media.add("song.mp3", new Uint8Array([1, 2, 3]));
  await world.startBot();

  await t.step("someone outside any voice channel is asked to join one", async () => {
    const text = await privateAnswer(world.play(`${world.media.url}/song.mp3`, world.bob));
    assert.ok(/voice channel/i.test(text), text);
    assert.equal(world.media.requests.length, 0);
    assert.equal(world.discord.voiceStateUpdates.items.length, 0, "the bot did not join voice");
  });

  await t.step("a link that answers 404 is refused with the reason", async () => {
    const text = await privateAnswer(world.play(`${world.media.url}/missing.mp3`));
    assert.ok(/404|not found|doesn't exist|does not exist|unavailable/i.test(text), text);
    // The leave goes out on the gateway, the reply over REST: either may arrive first.
    await world.discord.voiceStateUpdates.waitFor(
      (update) => update === world.discord.voiceStateUpdates.items.at(-1) && update.channel_id === null,
      10_000,
      "a bot that joined only for this request leaves again",
    );
  });

  await t.step("the bot carries on afterwards", async () => {
    const text = await privateAnswer(world.play("file:///etc/passwd"));
    assert.ok(/http/i.test(text), text);
  });
});

worldTest(
  "links to private addresses and local files are refused before any request is made",
  async (world, t) => {
    world.media.add("song.mp3", new Uint8Array([1, 2, 3]));
    await world.startBot({ TRAZOM_ALLOW_PRIVATE_URLS: "0" });

    await t.step("a loopback address", async () => {
      const text = await privateAnswer(world.play(`${world.media.url}/song.mp3`));
      assert.ok(/private or local address/i.test(text), text);
    });

    await t.step("a name that resolves to loopback", async () => {
      const port = new URL(world.media.url).port;
      const text = await privateAnswer(world.play(`http://localhost:${port}/song.mp3`));
      assert.ok(/private or local address/i.test(text), text);
    });

    await t.step("a local file", async () => {
      const text = await privateAnswer(world.play("file:///etc/passwd"));
      assert.ok(/http/i.test(text), text);
    });

    assert.deepEqual(world.media.requests, [], "no request reached the media server");
    assert.equal(world.discord.channelMessages.length, 0, "nothing was announced as playing");
  },
);

worldTest(
  "a queued track that cannot be made playable is reported in the channel and the queue goes on",
  async (world) => {
    const first = await addTone(world, "first.mp3", 300, 2);
    const broken = world.media.add("broken.mp3", crypto.getRandomValues(new Uint8Array(64 * 1024)));
    const last = await addTone(world, "last.mp3", 500, 2);
    await world.startBot();
    for (const url of [first, broken, last]) await answerText(world.play(url));

    const notice = await world.discord.waitForChannelMessage(
      (m) => /Skipping/.test(String(m.body.content)),
      30_000,
    );
    assert.ok(/broken.*read that as audio/.test(String(notice.body.content)), String(notice.body.content));
    await world.voice.waitUntil(() => world.voice.audioPackets().length >= 190, 30_000, "both good tracks");
    assert.deepEqual(await toneOrder(world.voice.audioPackets(), world.dataDir, [300, 500]), [300, 500]);
  },
);

/**
 * The egress guard holds whatever the environment says: with NO_PROXY naming loopback (common on servers,
 * and applied by Deno's fetch even to a client with an explicit proxy), the bot still fetches through its
 * guard, so audio on a private address is refused without a single request reaching it.
 */
import assert from "node:assert/strict";
import { FakeYoutube } from "../fakes/fake_youtube.ts";
import { answerText } from "./bot_answers.ts";
import { worldTest } from "./with_world.ts";

worldTest(
  "with NO_PROXY set to loopback, audio that lives on a private address is refused and never fetched",
  async (world) => {
    const youtube = await FakeYoutube.create(world, {
      videos: [{ id: "privateHum1", title: "Private Hum", frequencyHz: 440, seconds: 3 }],
    });
    const mediaName = new URL(youtube.catalog.videos[0].mediaUrl).pathname.slice(1);
    await world.startBot({
      ...youtube.env,
      TRAZOM_ALLOW_PRIVATE_URLS: "0",
      NO_PROXY: "127.0.0.1,localhost",
      no_proxy: "127.0.0.1,localhost",
      HTTP_PROXY: "http://127.0.0.1:9",
    });
    const reply = await answerText(world.play(youtube.watchUrl("privateHum1")));
    console.log(`reply: ${reply}`);
    const notice = await world.discord.waitForChannelMessage(
      (m) => /Skipping/.test(String(m.body.content)),
      60_000,
    );
    console.log(`notice: ${notice.body.content}`);
    assert.match(String(notice.body.content), /not allowed/);
    assert.equal(world.media.count(mediaName), 0, "no request reached the private media server");
  },
);

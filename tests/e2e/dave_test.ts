/**
 * Discord closes voice without DAVE (end-to-end encryption). The bot, started with exactly the start
 * task's permissions, must load davey's native module and offer DAVE; the fake voice server cannot run
 * the MLS side, so it checks what it can: the offer in Identify and the key package sent when asked.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { generateTone } from "../fakes/test_tones.ts";
import { worldTest } from "./with_world.ts";

worldTest(
  "the bot offers DAVE and sends an MLS key package when the voice server asks for it",
  async (world) => {
    const path = join(world.dataDir, "tone.mp3");
    await generateTone({ path, frequencyHz: 500, seconds: 2, volumeDb: -12 });
    const url = world.media.add("tone.mp3", await Deno.readFile(path));
    const bot = await world.startBot();
    world.play(url);

    await world.voice.waitForKeyPackage(30_000);
    const [identify] = world.voice.identifies;
    assert.ok((identify.max_dave_protocol_version ?? 0) >= 1, "Identify offers a DAVE protocol version");
    const [keyPackage] = world.voice.keyPackages;
    assert.ok(keyPackage.length > 100, `a key package of ${keyPackage.length} bytes`);
    assert.deepEqual([...keyPackage.slice(0, 2)], [0, 1], "an MLS 1.0 key package");
    assert.ok(!/davey|napi|NotCapable/i.test(bot.log), `the voice stack loaded cleanly:\n${bot.log}`);
  },
  { daveProtocolVersion: 1 },
);

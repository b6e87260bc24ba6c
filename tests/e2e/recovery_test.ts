/**
 * Never lose the music: a bot killed with SIGKILL mid-track comes back on its own and carries on from where
 * it was, and a dropped voice connection (a 4015 close, then an abrupt cut) does not stop the audio.
 */
import { answerText, sleep } from "./bot_answers.ts";
import assert from "node:assert/strict";
import { worldTest } from "./with_world.ts";
import { addTone } from "./media_library.ts";
import { firstArrivalOfTone, toneOrder } from "./received_audio.ts";

const TONES = [300, 500, 700];

worldTest(
  "after kill -9 during the first of three tracks, a restarted bot plays the rest without any command",
  async (world) => {
    const urls = [
      await addTone(world, "first.mp3", 300, 12),
      await addTone(world, "second.mp3", 500, 4),
      await addTone(world, "third.mp3", 700, 4),
    ];
    const first = await world.startBot();
    for (const url of urls) await world.play(url).waitForMessage(undefined, 30_000);
    await world.voice.waitForPackets(50 * 5, 30_000);
    await sleep(1_000);
    await first.kill();
    const heardBeforeKill = world.voice.audioPackets().length;

    const restartedAt = Date.now();
    await world.startBot();
    await world.discord.waitForChannelMessage(
      (m) => /carrying on with/.test(String(m.body.content)),
      30_000,
    );
    const afterRestart = () => world.voice.audioPackets().slice(heardBeforeKill);
    await world.voice.waitUntil(() => afterRestart().length >= 50, 30_000, "audio after the restart");
    const resumedAt = await firstArrivalOfTone(world.voice, restartedAt, 300, world.dataDir, TONES);
    console.log(`audio again ${resumedAt - restartedAt} ms after the restart began`);

    const finished = () => Date.now() - (world.voice.packets.at(-1)?.receivedAt ?? Date.now()) > 1_500;
    await world.voice.waitUntil(
      () => afterRestart().length >= 50 * 8 && finished(),
      60_000,
      "the queue to end",
    );
    assert.deepEqual(await toneOrder(afterRestart(), world.dataDir, TONES), [300, 500, 700]);
    const firstTrackRest = afterRestart().length / 50 - 8;
    console.log(`after the restart the first track went on for ${firstTrackRest.toFixed(1)} s of its 12 s`);
    assert.ok(firstTrackRest < 10, "it continued from the saved position, not from the start");
    const history = await answerText(world.discord.sendCommand({ name: "history", userId: world.alice }));
    const played = history.split("\n").slice(1).map((line) => /\*\*(\w+)\*\*/.exec(line)?.[1]);
    assert.deepEqual(played.slice(0, 3), ["third", "second", "first"], history);
  },
);

worldTest(
  "a dropped voice connection, closed or cut, does not stop the music for more than a few seconds",
  async (world, t) => {
    const url = await addTone(world, "long.mp3", 500, 40);
    await world.startBot();
    await world.play(url).waitForMessage(undefined, 30_000);
    await world.voice.waitForPackets(50, 30_000);

    for (
      const [name, drop] of [
        ["the voice server closes with 4015", () => world.voice.closeVoiceSockets(4015)],
        ["the voice connection is cut without a close", () => world.voice.dropConnections()],
      ] as const
    ) {
      await t.step(name, async () => {
        const droppedAt = Date.now();
        const sessionsBefore = world.voice.identifies.length + world.voice.resumes.length;
        drop();
        await world.voice.waitUntil(
          () => world.voice.audioPackets().some((p) => p.receivedAt > droppedAt + 500),
          5_000,
          "audio to continue",
        );
        const back = world.voice.audioPackets().find((p) => p.receivedAt > droppedAt + 500)!;
        console.log(`${name}: audio again after ${back.receivedAt - droppedAt} ms`);
        await world.voice.waitUntil(
          () => world.voice.identifies.length + world.voice.resumes.length > sessionsBefore,
          5_000,
          "the voice connection to be re-established",
        );
      });
    }
  },
);

worldTest(
  "a bot disconnected from voice by a member stops, says so, and does not force its way back",
  async (world) => {
    const url = await addTone(world, "long.mp3", 500, 40);
    await world.startBot();
    await world.play(url).waitForMessage(undefined, 30_000);
    await world.voice.waitForPackets(50, 30_000);

    world.discord.setVoiceState(world.discord.guild.botUser.id, null);
    world.voice.closeVoiceSockets(4014);
    await world.discord.waitForChannelMessage(
      (m) => /disconnected from/.test(String(m.body.content)),
      15_000,
    );
    const connectionsThen = world.voice.sockets.length;
    const stoppedAt = Date.now();
    await sleep(3_000);
    assert.equal(world.voice.sockets.length, connectionsThen, "no attempt to rejoin");
    assert.equal(world.voice.audioPackets().filter((p) => p.receivedAt > stoppedAt).length, 0);
  },
);

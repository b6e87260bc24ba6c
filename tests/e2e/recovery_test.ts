/**
 * Never lose the music: a bot killed with SIGKILL mid-track comes back on its own and carries on from where
 * it was, and a dropped voice connection (a 4015 close, then an abrupt cut) does not stop the audio.
 */
import { answerText, privateAnswer } from "./bot_answers.ts";
import assert from "node:assert/strict";
import { worldTest } from "./with_world.ts";
import { addTone } from "./media_library.ts";
import { holdsFor } from "../fakes/wait_until.ts";
import { dropAndWaitForReconnect, VOICE_DROPS } from "./voice_drops.ts";
import {
  audioBetween,
  packetsFor,
  speakingCount,
  toneOrder,
  waitForSpeakingEnd,
  waitForTone,
} from "./received_audio.ts";

const TONES = [300, 500, 700];
/** How long a disconnected bot is watched for a way back it must not take. */
const REJOIN_WINDOW_MS = 3_000;

worldTest(
  "after kill -9 during the first of three tracks, a restarted bot plays the rest without any command",
  async (world) => {
    const urls = [
      await addTone(world, "first.mp3", 300, 12),
      await addTone(world, "second.mp3", 500, 4),
      await addTone(world, "third.mp3", 700, 4),
    ];
    const first = await world.startBot();
    for (const url of urls) await answerText(world.play(url));
    // Six seconds of the first track cannot arrive faster than they play, so the position, saved every three
    // seconds, has been saved at least once by then.
    await world.voice.waitUntil(
      () => world.voice.audioPackets().length >= packetsFor(6),
      60_000,
      "six seconds of the first track",
    );
    await first.kill();
    const heardBeforeKill = world.voice.audioPackets().length;

    const restartedAt = Date.now();
    await world.startBot();
    await world.discord.waitForChannelMessage(
      (m) => /carrying on with/.test(String(m.body.content)),
      30_000,
    );
    const afterRestart = () => world.voice.audioPackets().slice(heardBeforeKill);
    const heard = (hz: number) =>
      waitForTone(world.voice, restartedAt, hz, { candidatesHz: TONES, dir: world.dataDir });
    const resumed = await heard(300);
    console.log(`audio again ${resumed.receivedAt - restartedAt} ms after the restart began`);
    const second = await heard(500);
    await heard(700);
    await waitForSpeakingEnd(world.voice, speakingCount(world.voice), 60_000);
    assert.deepEqual(await toneOrder(afterRestart(), world.dataDir, TONES), [300, 500, 700]);
    const firstTrackRest = (second.index - heardBeforeKill) / packetsFor(1);
    console.log(`after the restart the first track went on for ${firstTrackRest.toFixed(1)} s of its 12 s`);
    assert.ok(firstTrackRest < 10, "it continued from the saved position, not from the start");
    assert.ok(firstTrackRest > 1, "it played the rest of the first track");
    const history = await answerText(world.discord.sendCommand({ name: "history", userId: world.alice }));
    const played = history.split("\n").slice(1).map((line) => /\*\*(\w+)\*\*/.exec(line)?.[1]);
    assert.deepEqual(played.slice(0, 3), ["third", "second", "first"], history);
  },
);

worldTest(
  "a dropped voice connection, closed or cut, is re-established and the music goes on",
  async (world, t) => {
    const url = await addTone(world, "long.mp3", 500, 40);
    await world.startBot();
    await answerText(world.play(url));
    await world.voice.waitForPackets(50, 30_000);

    for (const drop of VOICE_DROPS) {
      await t.step(drop.name, async () => {
        const droppedAt = Date.now();
        await dropAndWaitForReconnect(world.voice, drop);
        const reconnectedAt = Date.now();
        await world.voice.waitUntil(
          () => world.voice.audioPackets().some((p) => p.receivedAt > reconnectedAt),
          30_000,
          "audio over the new connection",
        );
        const back = world.voice.audioPackets().find((p) => p.receivedAt > reconnectedAt)!;
        console.log(
          `${drop.name}: reconnected after ${reconnectedAt - droppedAt} ms, audio again after ` +
            `${back.receivedAt - droppedAt} ms`,
        );
      });
    }
  },
);

worldTest(
  "a bot disconnected from voice by a member stops, says so, and does not force its way back (3 s watched)",
  async (world) => {
    const url = await addTone(world, "long.mp3", 500, 40);
    await world.startBot();
    await answerText(world.play(url));
    await world.voice.waitForPackets(50, 30_000);

    world.discord.setVoiceState(world.discord.guild.botUser.id, null);
    world.voice.closeVoiceSockets(4014);
    await world.discord.waitForChannelMessage(
      (m) => /disconnected from/.test(String(m.body.content)),
      15_000,
    );
    const connectionsThen = world.voice.sockets.length;
    const joinsThen = world.discord.voiceStateUpdates.items.length;
    const stoppedAt = Date.now();
    // Given up for good: for the whole window the bot asks Discord for no voice channel, opens no voice
    // connection and sends no audio, and it shows nothing playing.
    await holdsFor(REJOIN_WINDOW_MS, () => {
      const joins = world.discord.voiceStateUpdates.items.slice(joinsThen).filter((update) =>
        update.channel_id !== null
      );
      if (joins.length > 0) return `it asked to join ${joins[0].channel_id}`;
      if (world.voice.sockets.length > connectionsThen) return "it opened a new voice connection";
      const audio = audioBetween(world.voice, stoppedAt, Infinity).length;
      return audio > 0 ? `${audio} audio packets arrived` : undefined;
    }, "the disconnected bot to stay out of voice");
    const state = await privateAnswer(world.discord.sendCommand({ name: "nowplaying", userId: world.alice }));
    assert.match(state, /Nothing is playing/);
    const connectionsBeforePlay = world.voice.sockets.length;
    const calledBackAt = Date.now();
    await answerText(world.play(url));
    await world.voice.waitUntil(
      () => world.voice.audioPackets().some((p) => p.receivedAt > calledBackAt),
      60_000,
      "audio once /play calls the bot back",
    );
    assert.equal(connectionsBeforePlay, connectionsThen, "no attempt to rejoin until called back");
    assert.deepEqual(audioBetween(world.voice, stoppedAt, calledBackAt), [], "no audio until called back");
  },
);

/**
 * Option values are looked up by the bot's own names only: a crafted /loop or /sort whose value names an
 * Object property ("constructor", "__proto__") gets the same polite reply as any other unknown value.
 */
import assert from "node:assert/strict";
import { answerText, privateAnswer } from "./bot_answers.ts";
import { worldTest } from "./with_world.ts";

worldTest(
  '/loop and /sort with a value like "constructor" get a polite reply and change nothing',
  async (world) => {
    await world.startBot();
    const send = (name: string, option: string, value: string) =>
      world.discord.sendCommand({ name, userId: world.alice, options: [{ name: option, type: 3, value }] });

    for (const value of ["constructor", "__proto__", "toString"]) {
      assert.equal(await privateAnswer(send("loop", "mode", value)), "Loop can be off, track or queue.");
      assert.equal(
        await privateAnswer(send("sort", "by", value)),
        "I can sort by title, duration or request time.",
      );
    }
    assert.match(await answerText(send("loop", "mode", "track")), /Looping the current track/);
  },
);

/**
 * The invite link asks for every permission the bot's own posts need: each message it POSTs in a channel
 * (the now-playing card with its embed and buttons, notices) is checked against Discord's rules for
 * posting, and the permissions in the invite link the bot printed must cover them.
 */
import assert from "node:assert/strict";
import { answerText } from "./bot_answers.ts";
import { toneUrl } from "./gateway_helpers.ts";
import { worldTest } from "./with_world.ts";

/** Discord's permission bits for posting in a channel. */
const BITS = {
  viewChannel: 1n << 10n,
  sendMessages: 1n << 11n,
  embedLinks: 1n << 14n,
  attachFiles: 1n << 15n,
  readMessageHistory: 1n << 16n,
};

/** What Discord checks for a POST /channels/{id}/messages with `body` (components need nothing). */
function neededToPost(body: Record<string, unknown>): bigint {
  let needed = BITS.viewChannel | BITS.sendMessages;
  if (Array.isArray(body.embeds) && body.embeds.length > 0) needed |= BITS.embedLinks;
  if (Array.isArray(body.attachments) && body.attachments.length > 0) needed |= BITS.attachFiles;
  if (body.message_reference) needed |= BITS.readMessageHistory;
  return needed;
}

worldTest("the invite link's permissions cover the now-playing card the bot posts", async (world) => {
  const bot = await world.startBot();
  const invite = await bot.waitForOutput(/Invite the bot to a server: /);
  const granted = BigInt(new URL(invite.slice(invite.indexOf("https://"))).searchParams.get("permissions")!);
  const first = await toneUrl(world, "first.mp3", 4);
  const second = await toneUrl(world, "second.mp3", 2);
  // Both asked at once: the second is queued behind the first and announced when it starts.
  const asked = [world.play(first), world.play(second)];
  assert.match(await answerText(asked[0]), /Playing/);
  assert.match(await answerText(asked[1]), /Queued/);
  // The second track is announced in the channel with the card: an embed and buttons.
  const card = await world.discord.waitForChannelMessage(
    (message) => Array.isArray(message.body.embeds) && message.body.embeds.length > 0,
    30_000,
  );
  assert.ok(Array.isArray(card.body.components) && card.body.components.length > 0, "the card has buttons");
  for (const message of world.discord.channelMessages) {
    const missing = neededToPost(message.body) & ~granted;
    assert.equal(
      missing,
      0n,
      `the invite lacks bits ${missing.toString(2)} for ${JSON.stringify(message.body)}`,
    );
  }
});

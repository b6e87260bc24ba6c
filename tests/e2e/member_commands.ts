/** Slash commands as the test guild's members send them, DJs included, and the /queue listing as they read it. */
import assert from "node:assert/strict";
import type { FakeInteraction } from "../fakes/fake_interaction.ts";
import { askUntil } from "../fakes/wait_until.ts";
import { firstResponse } from "./bot_answers.ts";
import type { TestWorld } from "./test_world.ts";

const OPTION_TYPES = { string: 3, number: 4, boolean: 5 } as const;

/** Sends `/name` from `userId` with `options` (strings, integers, booleans); `dj` gives them the DJ role. */
export function command(
  world: TestWorld,
  name: string,
  userId: string,
  options: Record<string, string | number | boolean> = {},
  { dj = false }: { dj?: boolean } = {},
): FakeInteraction {
  return world.discord.sendCommand({
    name,
    userId,
    options: Object.entries(options).map(([option, value]) => ({
      name: option,
      type: OPTION_TYPES[typeof value as keyof typeof OPTION_TYPES],
      value,
    })),
    ...(dj && { roles: [world.discord.guild.djRoleId] }),
  });
}

/** One line of the /queue listing: the title and who asked for it. */
export interface QueueLine {
  readonly position: number;
  readonly title: string;
  readonly requesterId: string;
}

/** What /queue shows: the waiting tracks in order, the mode named in its footer, and the raw text. */
export interface QueueListing {
  readonly lines: readonly QueueLine[];
  readonly mode: string;
  readonly text: string;
}

/** Asks /queue (as `userId`, Alice by default) and reads its first page. */
export async function queueListing(world: TestWorld, userId = world.alice): Promise<QueueListing> {
  const response = await firstResponse(command(world, "queue", userId));
  const embed = (response.data as { embeds?: { description?: string; footer?: { text?: string } }[] })
    .embeds?.[0];
  assert.ok(embed, `/queue answered with a listing: ${JSON.stringify(response.data)}`);
  const text = embed.description ?? "";
  const lines = text.split("\n").flatMap((line) => {
    const match = /^\*\*(\d+)\.\*\* \[?\*\*(.+?)\*\*.*· <@(\d+)> · (?:next|in \d+:\d\d)$/.exec(line);
    return match ? [{ position: Number(match[1]), title: match[2], requesterId: match[3] }] : [];
  });
  const mode = /· (\w+) queue$/.exec(embed.footer?.text ?? "")?.[1] ?? "";
  return { lines, mode, text };
}

/** The titles /queue shows, in order. */
export async function queuedTitles(world: TestWorld): Promise<string[]> {
  return (await queueListing(world)).lines.map((line) => line.title);
}

/** Waits until /nowplaying says nothing is playing: the queue has run dry (or the music was stopped). */
export async function nothingPlaying(world: TestWorld): Promise<void> {
  await askUntil(
    async () => {
      const response = await firstResponse(command(world, "nowplaying", world.alice));
      const content = String((response.data as { content?: string } | undefined)?.content ?? "");
      return /Nothing is playing/.test(content) || undefined;
    },
    "/nowplaying to say nothing is playing",
    { boundMs: 60_000, everyMs: 250 },
  );
}

/** Bob and Carol join Alice in the guild's voice channel: the three listeners, and the channel. */
export function threeListeners(world: TestWorld) {
  const { alice, bob } = world;
  const carol = world.discord.guild.humanIds[2];
  const channel = world.discord.guild.voiceChannelId;
  world.discord.setVoiceState(bob, channel);
  world.discord.setVoiceState(carol, channel);
  return { alice, bob, carol, channel };
}

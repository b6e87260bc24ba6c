/** Reading what the bot answered an interaction, whether as its first response or after "thinking…". */
import assert from "node:assert/strict";
import type { FakeInteraction } from "../fakes/fake_interaction.ts";

const CHANNEL_MESSAGE = 4;
const EPHEMERAL = 64;

/** The visible text of the answer. */
export async function answerText(interaction: FakeInteraction): Promise<string> {
  const response = await interaction.waitForResponse();
  const data = (response.data ?? {}) as { content?: string };
  if (response.type === CHANNEL_MESSAGE) return data.content ?? "";
  const message = await interaction.waitForMessage(undefined, 30_000);
  return String(message.body.content ?? "");
}

/** The text of an answer only the caller sees; fails if anyone else could see it. */
export async function privateAnswer(interaction: FakeInteraction): Promise<string> {
  const response = await interaction.waitForResponse();
  const data = (response.data ?? {}) as { content?: string; flags?: number };
  if (response.type === CHANNEL_MESSAGE) {
    assert.equal(data.flags, EPHEMERAL, "shown to the caller only");
    return data.content ?? "";
  }
  const followUp = await interaction.waitForMessage((message) => message.kind === "followup", 30_000);
  assert.equal(followUp.body.flags, EPHEMERAL, "shown to the caller only");
  return String(followUp.body.content ?? "");
}

/** Waits `ms` milliseconds. */
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Reading what the bot answered an interaction, whether as its first response or after "thinking…". */
import assert from "node:assert/strict";
import type { FakeInteraction } from "../fakes/fake_interaction.ts";

const CHANNEL_MESSAGE = 4;
const EPHEMERAL = 64;
/**
 * Only catches a bot that never answers. Discord wants the first response within 3 s; how fast the bot is
 * on a busy machine is a benchmark number, not a test bound.
 */
const ANSWER_TIMEOUT_MS = 30_000;

/** The bot's first response to an interaction (a reply, "thinking…", or an updated message). */
export function firstResponse(interaction: FakeInteraction): Promise<Record<string, unknown>> {
  return interaction.waitForResponse(ANSWER_TIMEOUT_MS);
}

/** The visible text of the answer. */
export async function answerText(interaction: FakeInteraction): Promise<string> {
  const response = await firstResponse(interaction);
  const data = (response.data ?? {}) as { content?: string };
  if (response.type === CHANNEL_MESSAGE) return data.content ?? "";
  const message = await interaction.waitForMessage(undefined, ANSWER_TIMEOUT_MS);
  return String(message.body.content ?? "");
}

/** The text of an answer only the caller sees; fails if anyone else could see it. */
export async function privateAnswer(interaction: FakeInteraction): Promise<string> {
  const response = await firstResponse(interaction);
  const data = (response.data ?? {}) as { content?: string; flags?: number };
  if (response.type === CHANNEL_MESSAGE) {
    assert.equal(data.flags, EPHEMERAL, "shown to the caller only");
    return data.content ?? "";
  }
  const followUp = await interaction.waitForMessage(
    (message) => message.kind === "followup",
    ANSWER_TIMEOUT_MS,
  );
  assert.equal(followUp.body.flags, EPHEMERAL, "shown to the caller only");
  return String(followUp.body.content ?? "");
}

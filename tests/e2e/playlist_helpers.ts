/** Driving /playlist from end-to-end tests: a sub-command with its options, and a playlist's links read back. */
import type { FakeInteraction } from "../fakes/fake_interaction.ts";
import type { InteractionActor } from "../fakes/interaction_payloads.ts";
import { firstResponse } from "./bot_answers.ts";
import type { TestWorld } from "./test_world.ts";

const SUB_COMMAND = 1;
const STRING = 3;
const INTEGER = 4;
const BOOLEAN = 5;
const ATTACHMENT = 11;

/** `/playlist <sub> option:value…` from `userId`; attachment ids go in `file`. */
export function playlistCommand(
  world: TestWorld,
  sub: string,
  options: Record<string, string | number | boolean>,
  userId = world.alice,
  actor: Partial<InteractionActor> = {},
  resolved?: Record<string, unknown>,
): FakeInteraction {
  return world.discord.sendCommand({
    name: "playlist",
    userId,
    ...actor,
    options: [{
      name: sub,
      type: SUB_COMMAND,
      options: Object.entries(options).map(([name, value]) => ({
        name,
        value,
        type: name === "file"
          ? ATTACHMENT
          : typeof value === "number"
          ? INTEGER
          : typeof value === "boolean"
          ? BOOLEAN
          : STRING,
      })),
    }],
    ...(resolved && { resolved }),
  });
}

/** The links of a playlist, read through /playlist export (so export is exercised by every reader). */
export async function playlistLines(
  world: TestWorld,
  name: string,
  scope: "mine" | "server" = "mine",
  userId = world.alice,
): Promise<string[]> {
  return linksOf(await exportedText(world, name, scope, userId));
}

/** The text of the file /playlist export attaches. */
export async function exportedText(
  world: TestWorld,
  name: string,
  scope: "mine" | "server" = "mine",
  userId = world.alice,
): Promise<string> {
  const interaction = playlistCommand(world, "export", { name, scope }, userId);
  await firstResponse(interaction);
  const message = await interaction.waitForMessage((m) => (m.files?.length ?? 0) > 0, 30_000);
  return message.files![0].text;
}

/** The links in an exported file, in order. */
export function linksOf(text: string): string[] {
  return text.split("\n").filter((line) => line && !line.startsWith("#")).map((line) => line.split(" # ")[0]);
}

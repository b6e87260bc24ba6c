/** What every slash command is: its definition for Discord, and what it does when invoked. */
import type { CreateApplicationCommand, DiscordInteraction, DiscordInteractionDataOption } from "discordeno";
import type { InteractionReply } from "../discord/interaction_reply.ts";

/** One invocation, reduced to what commands need. */
export interface CommandContext {
  interaction: DiscordInteraction;
  guildId: string;
  /** The text channel the command was typed in. */
  channelId: string;
  userId: string;
  /** Option values by name (sub-command options flattened). */
  options: ReadonlyMap<string, string | number | boolean>;
  reply: InteractionReply;
}

/** A slash command. */
export interface Command {
  definition: CreateApplicationCommand;
  run(context: CommandContext): Promise<void>;
  /** Suggestions for the option being typed (`focused`). */
  autocomplete?(context: CommandContext, focused: { name: string; value: string }): Promise<void>;
}

/** A handler for message buttons, found by their custom id. */
export interface ComponentHandler {
  matches(customId: string): boolean;
  run(context: CommandContext, customId: string): Promise<void>;
}

/** Flattens options (including those of a sub-command) into name → value. */
export function optionValues(
  options: DiscordInteractionDataOption[] | undefined,
): Map<string, string | number | boolean> {
  const values = new Map<string, string | number | boolean>();
  for (const option of options ?? []) {
    if (option.value !== undefined) values.set(option.name, option.value);
    for (const [name, value] of optionValues(option.options)) values.set(name, value);
  }
  return values;
}

/** The option being typed during autocomplete. */
export function focusedOption(
  options: DiscordInteractionDataOption[] | undefined,
): { name: string; value: string } | undefined {
  for (const option of options ?? []) {
    if (option.focused) return { name: option.name, value: String(option.value ?? "") };
    const nested = focusedOption(option.options);
    if (nested) return nested;
  }
  return undefined;
}

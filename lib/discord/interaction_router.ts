/**
 * Sends each interaction to its command, and turns whatever a command throws into a polite reply:
 * a UserError's own words, or an apology (and a log line) for a bug. No interaction can crash the bot.
 */
import { type DiscordInteraction, InteractionTypes, type RestManager } from "discordeno";
import {
  type Command,
  type CommandContext,
  type ComponentHandler,
  focusedOption,
  optionValues,
} from "../commands/command.ts";
import { UserError, userMessageOf } from "../user_error.ts";
import { InteractionReply } from "./interaction_reply.ts";

/** Routes slash commands, autocomplete and button presses to their handlers. */
export class InteractionRouter {
  #commands: Map<string, Command>;

  constructor(
    private readonly rest: RestManager,
    commands: Command[],
    private readonly components: ComponentHandler[] = [],
  ) {
    this.#commands = new Map(commands.map((command) => [command.definition.name, command]));
  }

  /** Handles one interaction to the end; never rejects. */
  async handle(interaction: DiscordInteraction): Promise<void> {
    const reply = new InteractionReply(this.rest, interaction);
    try {
      await this.#dispatch(interaction, reply);
    } catch (error) {
      await this.#apologize(interaction, reply, error);
    }
  }

  async #dispatch(interaction: DiscordInteraction, reply: InteractionReply): Promise<void> {
    if (interaction.type === InteractionTypes.MessageComponent) return await this.#press(interaction, reply);
    const command = this.#commands.get(interaction.data?.name ?? "");
    if (!command) return;
    if (!interaction.guild_id) {
      throw new UserError("I only take requests inside a server, not in direct messages.");
    }
    const context = contextOf(interaction, reply);
    if (interaction.type === InteractionTypes.ApplicationCommand) return await command.run(context);
    const focused = focusedOption(interaction.data?.options);
    if (interaction.type === InteractionTypes.ApplicationCommandAutocomplete && focused) {
      await command.autocomplete?.(context, focused);
    }
  }

  async #press(interaction: DiscordInteraction, reply: InteractionReply): Promise<void> {
    const customId = interaction.data?.custom_id ?? "";
    const handler = this.components.find((component) => component.matches(customId));
    if (!handler) return;
    if (!interaction.guild_id) {
      throw new UserError("I only take requests inside a server, not in direct messages.");
    }
    await handler.run(contextOf(interaction, reply), customId);
  }

  async #apologize(interaction: DiscordInteraction, reply: InteractionReply, error: unknown): Promise<void> {
    if (!(error instanceof UserError)) {
      console.error(`/${interaction.data?.name} by ${userIdOf(interaction)} failed:`, error);
    }
    if (interaction.type === InteractionTypes.ApplicationCommandAutocomplete) return;
    try {
      await reply.sendPrivately({ content: userMessageOf(error) });
    } catch (replyError) {
      console.error("Could not tell the user about an error:", replyError);
    }
  }
}

function contextOf(interaction: DiscordInteraction, reply: InteractionReply): CommandContext {
  return {
    interaction,
    guildId: interaction.guild_id!,
    channelId: interaction.channel_id ?? interaction.channel?.id ?? "",
    userId: userIdOf(interaction),
    options: optionValues(interaction.data?.options),
    reply,
  };
}

function userIdOf(interaction: DiscordInteraction): string {
  return interaction.member?.user?.id ?? interaction.user?.id ?? "unknown";
}

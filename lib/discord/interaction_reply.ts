/**
 * Answers one interaction through Discord's REST API: the first response within 3 seconds
 * (often a "thinking…" defer), then edits and follow-ups.
 */
import {
  type DiscordInteraction,
  type InteractionCallbackData,
  InteractionResponseTypes,
  MessageFlags,
  type RestManager,
} from "discordeno";
import { fitChoices, fitMessage } from "./message_limits.ts";

/** A message body: text and/or embeds and components, in Discordeno's camelCase shape. */
export type ReplyBody = InteractionCallbackData;

/** The one object commands use to talk back to whoever invoked them; every body is fitted to Discord's limits. */
export class InteractionReply {
  #responded = false;
  #deferredEphemeral = false;
  /** A button's "working on it": the message it is on is then edited, and nothing else is replaced. */
  #deferredUpdate = false;

  constructor(private readonly rest: RestManager, private readonly interaction: DiscordInteraction) {}

  get responded(): boolean {
    return this.#responded;
  }

  /** Shows "thinking…" so slow work can take longer than Discord's 3 seconds. */
  async defer(options: { ephemeral?: boolean } = {}): Promise<void> {
    this.#deferredEphemeral = options.ephemeral ?? false;
    await this.#respond(InteractionResponseTypes.DeferredChannelMessageWithSource, {
      flags: this.#deferredEphemeral ? MessageFlags.Ephemeral : undefined,
    });
  }

  /** Sends the visible answer: the first response, or an edit of the deferred one. */
  async send(body: ReplyBody): Promise<void> {
    if (!this.#responded) return await this.#respond(InteractionResponseTypes.ChannelMessageWithSource, body);
    await this.rest.editOriginalInteractionResponse(this.interaction.token, fitMessage(body));
  }

  /** Sends an answer only the invoker sees. After a public defer, the placeholder is removed first. */
  async sendPrivately(body: ReplyBody): Promise<void> {
    const flags = MessageFlags.Ephemeral;
    if (!this.#responded) {
      return await this.#respond(InteractionResponseTypes.ChannelMessageWithSource, { ...body, flags });
    }
    if (this.#deferredEphemeral) return await this.send(body);
    if (this.#deferredUpdate) {
      return void await this.rest.sendFollowupMessage(this.interaction.token, { ...body, flags });
    }
    await this.rest.deleteOriginalInteractionResponse(this.interaction.token);
    await this.rest.sendFollowupMessage(this.interaction.token, fitMessage({ ...body, flags }));
  }

  /** For buttons: replaces the message the button is on (after `deferUpdate`, by editing it). */
  async updateMessage(body: ReplyBody): Promise<void> {
    if (this.#deferredUpdate) {
      return void await this.rest.editOriginalInteractionResponse(this.interaction.token, body);
    }
    await this.#respond(InteractionResponseTypes.UpdateMessage, body);
  }

  /** For buttons whose work may take longer than Discord's 3 seconds: the message is updated later. */
  async deferUpdate(): Promise<void> {
    this.#deferredUpdate = true;
    await this.#respond(InteractionResponseTypes.DeferredUpdateMessage, {});
  }

  /** For autocomplete: the suggestions to show while the user types. */
  async suggest(choices: { name: string; value: string }[]): Promise<void> {
    this.#responded = true;
    await this.rest.sendInteractionResponse(this.interaction.id, this.interaction.token, {
      type: InteractionResponseTypes.ApplicationCommandAutocompleteResult,
      data: { choices: fitChoices(choices) },
    });
  }

  async #respond(type: InteractionResponseTypes, data: ReplyBody): Promise<void> {
    this.#responded = true;
    await this.rest.sendInteractionResponse(this.interaction.id, this.interaction.token, {
      type,
      data: fitMessage(data),
    });
  }
}

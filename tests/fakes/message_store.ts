import type { FakeUser } from "./fake_guild.ts";
import { nextSnowflake } from "./snowflake.ts";

/** A message object as Discord returns it. */
export type FakeMessage = Record<string, unknown> & { readonly id: string; readonly channel_id: string };

/** Fields of a message body the fake keeps; anything else in a request is not part of the message. */
const MESSAGE_FIELDS = [
  "content",
  "embeds",
  "components",
  "flags",
  "tts",
  "allowed_mentions",
  "poll",
] as const;

/** Every message the bot created, as Discord would store it. */
export class MessageStore {
  readonly #author: FakeUser;
  readonly #messages = new Map<string, FakeMessage>();

  constructor(author: FakeUser) {
    this.#author = author;
  }

  /** Stores a new message from a request body and returns it. */
  create(channelId: string, body: Record<string, unknown>, extra: Record<string, unknown> = {}): FakeMessage {
    const message: FakeMessage = {
      id: nextSnowflake(),
      channel_id: channelId,
      type: 0,
      author: this.#author,
      content: "",
      embeds: [],
      components: [],
      attachments: [],
      mentions: [],
      mention_roles: [],
      mention_everyone: false,
      pinned: false,
      tts: false,
      flags: 0,
      timestamp: new Date().toISOString(),
      edited_timestamp: null,
      ...extra,
      ...pickMessageFields(body),
    };
    this.#messages.set(message.id, message);
    return message;
  }

  /** Applies an edit; returns the new message or undefined if there is no such message. */
  edit(id: string, body: Record<string, unknown>): FakeMessage | undefined {
    const message = this.#messages.get(id);
    if (!message) return undefined;
    const edited = { ...message, ...pickMessageFields(body), edited_timestamp: new Date().toISOString() };
    this.#messages.set(id, edited);
    return edited;
  }

  /** The message with this id, if it exists. */
  get(id: string): FakeMessage | undefined {
    return this.#messages.get(id);
  }

  /** Deletes a message; false if there was none. */
  delete(id: string): boolean {
    return this.#messages.delete(id);
  }
}

function pickMessageFields(body: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    MESSAGE_FIELDS.filter((field) => field in body).map((field) => [field, body[field]]),
  );
}

import type { CommandStore } from "./command_store.ts";
import type { UploadedFile } from "./fake_rest.ts";
import type { FakeGuild } from "./fake_guild.ts";
import type { FakeInteraction } from "./fake_interaction.ts";
import type { MessageStore } from "./message_store.ts";
import type { Violation } from "./openapi_validator.ts";
import type { Recorder } from "./recorder.ts";
import type { VoiceStates } from "./voice_states.ts";

/** A message the bot posted to a channel. */
export interface ChannelMessage {
  readonly channelId: string;
  readonly messageId: string;
  readonly body: Record<string, unknown>;
}

/** What the REST routes read and change. */
export interface RestState {
  readonly applicationId: string;
  readonly guild: FakeGuild;
  readonly gatewayUrl: () => string;
  readonly commands: CommandStore;
  readonly messages: MessageStore;
  readonly voiceStates: VoiceStates;
  readonly interactions: ReadonlyMap<string, FakeInteraction>;
  readonly channelMessages: Recorder<ChannelMessage>;
}

/** A parsed request, with the path parameters of its route. */
export interface RestRequest {
  readonly method: string;
  readonly path: string;
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  readonly body: unknown;
  /** Files of a multipart upload. */
  readonly files: readonly UploadedFile[];
}

/** A status and an optional JSON body. */
export interface RestReply {
  readonly status: number;
  readonly body?: unknown;
}

/** One endpoint of the fake. */
export interface RestRoute {
  readonly method: string;
  readonly pattern: RegExp;
  readonly keys: readonly string[];
  /** Whether it needs `Authorization: Bot <token>` (interaction callbacks and webhooks do not). */
  readonly auth: boolean;
  /** Checks beyond the OpenAPI schema. */
  readonly rules?: (body: unknown) => Violation[];
  readonly handle: (request: RestRequest) => RestReply;
}

/** Declares a route; `{name}` segments become parameters. */
export function route(
  method: string,
  template: string,
  handle: (request: RestRequest) => RestReply,
  options: { auth?: boolean; rules?: (body: unknown) => Violation[] } = {},
): RestRoute {
  const keys = [...template.matchAll(/\{(\w+)\}/g)].map((match) => match[1]);
  const pattern = new RegExp(`^${template.replace(/\{\w+\}/g, "([^/]+)")}$`);
  return { method, pattern, keys, auth: options.auth ?? true, rules: options.rules, handle };
}

/** A JSON reply. */
export function reply(status: number, body?: unknown): RestReply {
  return { status, body };
}

/** Discord's error shape for a missing resource, e.g. 10008 "Unknown Message". */
export function unknown(code: number, what: string): RestReply {
  return { status: 404, body: { message: `Unknown ${what}`, code } };
}

/** The request body as an object (empty if it is not one). */
export function bodyObject(request: RestRequest): Record<string, unknown> {
  const body = request.body;
  return typeof body === "object" && body !== null && !Array.isArray(body)
    ? body as Record<string, unknown>
    : {};
}

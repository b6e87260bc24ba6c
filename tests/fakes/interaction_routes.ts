/** Interaction callbacks and the interaction webhook (original response, follow-ups). */
import { checkMessage } from "./message_rules.ts";
import type { FakeInteraction } from "./fake_interaction.ts";
import {
  bodyObject,
  reply,
  type RestReply,
  type RestRequest,
  type RestRoute,
  type RestState,
  route,
  unknown,
} from "./rest_route.ts";

/** Interaction callback types the fake gives meaning to. */
const Callback = { Message: 4, DeferredMessage: 5, DeferredUpdate: 6, UpdateMessage: 7 } as const;
/** Message flag Discord sets on a deferred response's placeholder ("Bot is thinking..."). */
const LOADING_FLAG = 1 << 7;

/** Routes of interaction callbacks and webhooks, none of which take the bot token. */
export function interactionRoutes(state: RestState): RestRoute[] {
  const byToken = (request: RestRequest) => findByToken(state, request);
  return [
    route("POST", "/interactions/{id}/{token}/callback", (request) => callback(state, request), {
      auth: false,
      rules: checkMessage,
    }),
    route(
      "GET",
      "/webhooks/{app}/{token}/messages/@original",
      (request) => withOriginal(state, byToken(request), (id) => reply(200, state.messages.get(id))),
      { auth: false },
    ),
    route(
      "PATCH",
      "/webhooks/{app}/{token}/messages/@original",
      (request) =>
        withOriginal(state, byToken(request), (id, interaction) => edit(state, interaction, id, request)),
      { auth: false, rules: checkMessage },
    ),
    route(
      "DELETE",
      "/webhooks/{app}/{token}/messages/@original",
      (request) => withOriginal(state, byToken(request), (id) => deleted(state, id)),
      { auth: false },
    ),
    route("POST", "/webhooks/{app}/{token}", (request) => followUp(state, byToken(request), request), {
      auth: false,
      rules: checkMessage,
    }),
    route(
      "GET",
      "/webhooks/{app}/{token}/messages/{message}",
      (request) => withFollowUp(state, request, (id) => reply(200, state.messages.get(id))),
      { auth: false },
    ),
    route(
      "PATCH",
      "/webhooks/{app}/{token}/messages/{message}",
      (request) => withFollowUp(state, request, (id, interaction) => edit(state, interaction, id, request)),
      { auth: false, rules: checkMessage },
    ),
    route(
      "DELETE",
      "/webhooks/{app}/{token}/messages/{message}",
      (request) => withFollowUp(state, request, (id) => deleted(state, id)),
      { auth: false },
    ),
  ];
}

function callback(state: RestState, request: RestRequest): RestReply {
  const interaction = state.interactions.get(request.params.id);
  if (!interaction || interaction.token !== request.params.token || !interaction.canStillRespond) {
    return unknown(10062, "interaction");
  }
  if (interaction.acknowledged) {
    return reply(400, { message: "Interaction has already been acknowledged.", code: 40060 });
  }
  const body = bodyObject(request);
  const data = (body.data ?? {}) as Record<string, unknown>;
  const channelId = String(interaction.payload.channel_id);
  const message = (interaction.payload.message ?? undefined) as { id: string } | undefined;
  if (body.type === Callback.Message) {
    interaction.originalMessageId =
      state.messages.create(channelId, data, interactionMetadata(state, interaction)).id;
  } else if (body.type === Callback.DeferredMessage) {
    const placeholder = { flags: Number(data.flags ?? 0) | LOADING_FLAG };
    interaction.originalMessageId =
      state.messages.create(channelId, placeholder, interactionMetadata(state, interaction)).id;
  } else if (body.type === Callback.DeferredUpdate || body.type === Callback.UpdateMessage) {
    if (!message) return reply(400, { message: "Interaction has no message to update.", code: 50035 });
    interaction.originalMessageId = message.id;
    if (body.type === Callback.UpdateMessage) state.messages.edit(message.id, data);
  }
  interaction.responses.push(body);
  if (request.query.get("with_response") !== "true") return reply(204);
  const resource = interaction.originalMessageId
    ? { message: state.messages.get(interaction.originalMessageId) }
    : {};
  return reply(200, {
    interaction: { id: interaction.id, type: interaction.payload.type },
    resource: { type: body.type, ...resource },
  });
}

function interactionMetadata(state: RestState, interaction: FakeInteraction): Record<string, unknown> {
  const member = interaction.payload.member as { user: unknown };
  return {
    application_id: state.applicationId,
    webhook_id: state.applicationId,
    interaction_metadata: { id: interaction.id, type: interaction.payload.type, user: member.user },
  };
}

function findByToken(state: RestState, request: RestRequest): FakeInteraction | undefined {
  if (request.params.app !== state.applicationId) return undefined;
  return [...state.interactions.values()].find((interaction) => interaction.token === request.params.token);
}

function withOriginal(
  state: RestState,
  interaction: FakeInteraction | undefined,
  then: (messageId: string, interaction: FakeInteraction) => RestReply,
): RestReply {
  if (!interaction) return unknown(10015, "Webhook");
  const id = interaction.originalMessageId;
  if (!id || !state.messages.get(id)) return unknown(10008, "Message");
  return then(id, interaction);
}

function withFollowUp(
  state: RestState,
  request: RestRequest,
  then: (messageId: string, interaction: FakeInteraction) => RestReply,
): RestReply {
  const interaction = findByToken(state, request);
  if (!interaction) return unknown(10015, "Webhook");
  if (!state.messages.get(request.params.message)) return unknown(10008, "Message");
  return then(request.params.message, interaction);
}

function edit(
  state: RestState,
  interaction: FakeInteraction,
  messageId: string,
  request: RestRequest,
): RestReply {
  const body = bodyObject(request);
  const message = state.messages.edit(messageId, withAttachments(body, request));
  interaction.messages.push({ kind: "edit", messageId, body, files: request.files });
  return reply(200, message);
}

function followUp(
  state: RestState,
  interaction: FakeInteraction | undefined,
  request: RestRequest,
): RestReply {
  // Discord only opens the interaction webhook once the interaction has been answered.
  if (!interaction?.acknowledged) return unknown(10015, "Webhook");
  const body = bodyObject(request);
  const message = state.messages.create(
    String(interaction.payload.channel_id),
    withAttachments(body, request),
    interactionMetadata(state, interaction),
  );
  interaction.messages.push({ kind: "followup", messageId: message.id, body, files: request.files });
  return reply(200, message);
}

/** The message as Discord would store it: uploaded files become its attachments. */
function withAttachments(body: Record<string, unknown>, request: RestRequest): Record<string, unknown> {
  if (request.files.length === 0) return body;
  const attachments = request.files.map((file, i) => ({
    id: String(i),
    filename: file.name,
    size: new TextEncoder().encode(file.text).length,
  }));
  return { ...body, attachments };
}

function deleted(state: RestState, messageId: string): RestReply {
  state.messages.delete(messageId);
  return reply(204);
}

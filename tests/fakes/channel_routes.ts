/** Channel messages and the few guild reads a bot may make. */
import { checkMessage } from "./message_rules.ts";
import { guildChannels, guildRoles, memberOf } from "./fake_guild.ts";
import {
  bodyObject,
  reply,
  type RestRequest,
  type RestRoute,
  type RestState,
  route,
  unknown,
} from "./rest_route.ts";

/** Routes under /channels and /guilds. */
export function channelRoutes(state: RestState): RestRoute[] {
  const channel = (id: string) => guildChannels(state.guild).find((candidate) => candidate.id === id);
  const inChannel =
    (handle: (request: RestRequest) => ReturnType<RestRoute["handle"]>) => (request: RestRequest) =>
      channel(request.params.channel) ? handle(request) : unknown(10003, "Channel");
  const ownMessage = (request: RestRequest) =>
    state.messages.get(request.params.message)?.channel_id === request.params.channel;
  return [
    route("GET", "/channels/{channel}", inChannel((request) => reply(200, channel(request.params.channel)))),
    route(
      "POST",
      "/channels/{channel}/messages",
      inChannel((request) => {
        const body = bodyObject(request);
        const message = state.messages.create(request.params.channel, body, { guild_id: state.guild.id });
        state.channelMessages.push({ channelId: request.params.channel, messageId: message.id, body });
        return reply(200, message);
      }),
      { rules: checkMessage },
    ),
    route(
      "GET",
      "/channels/{channel}/messages/{message}",
      inChannel((request) => {
        return ownMessage(request)
          ? reply(200, state.messages.get(request.params.message))
          : unknown(10008, "Message");
      }),
    ),
    route(
      "PATCH",
      "/channels/{channel}/messages/{message}",
      inChannel((request) => {
        if (!ownMessage(request)) return unknown(10008, "Message");
        return reply(200, state.messages.edit(request.params.message, bodyObject(request)));
      }),
      { rules: checkMessage },
    ),
    route(
      "DELETE",
      "/channels/{channel}/messages/{message}",
      inChannel((request) => {
        return ownMessage(request) && state.messages.delete(request.params.message)
          ? reply(204)
          : unknown(10008, "Message");
      }),
    ),
    route(
      "GET",
      "/guilds/{guild}",
      (request) => inGuild(state, request, () => reply(200, guildObject(state))),
    ),
    route(
      "GET",
      "/guilds/{guild}/channels",
      (request) => inGuild(state, request, () => reply(200, guildChannels(state.guild))),
    ),
    route(
      "GET",
      "/guilds/{guild}/members/{user}",
      (request) => inGuild(state, request, () => member(state, request.params.user)),
    ),
    route(
      "GET",
      "/guilds/{guild}/voice-states/{user}",
      (request) => inGuild(state, request, () => voiceState(state, request.params.user)),
    ),
  ];
}

function inGuild(state: RestState, request: RestRequest, then: () => ReturnType<RestRoute["handle"]>) {
  return request.params.guild === state.guild.id ? then() : unknown(10004, "Guild");
}

function guildObject(state: RestState): Record<string, unknown> {
  return {
    id: state.guild.id,
    name: state.guild.name,
    owner_id: state.guild.humanIds[0],
    features: [],
    roles: guildRoles(state.guild),
  };
}

function member(state: RestState, userId: string) {
  const userIdOrMe = userId === "@me" ? state.guild.botUser.id : userId;
  try {
    return reply(200, memberOf(state.guild, userIdOrMe));
  } catch {
    return unknown(10007, "Member");
  }
}

function voiceState(state: RestState, userId: string) {
  const userIdOrMe = userId === "@me" ? state.guild.botUser.id : userId;
  const found = state.voiceStates.list().find((entry) => entry.user_id === userIdOrMe);
  return found ? reply(200, { ...found, guild_id: state.guild.id }) : unknown(10065, "Voice State");
}

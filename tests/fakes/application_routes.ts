/** Session info, the bot's own user and application, and application command registration. */
import { checkCommand, checkCommandList } from "./command_rules.ts";
import {
  bodyObject,
  reply,
  type RestRequest,
  type RestRoute,
  type RestState,
  route,
  unknown,
} from "./rest_route.ts";

/** Routes about the bot itself and its commands. */
export function applicationRoutes(state: RestState): RestRoute[] {
  const application = () => applicationObject(state);
  return [
    route("GET", "/gateway/bot", () => reply(200, sessionInfo(state))),
    route("GET", "/gateway", () => reply(200, { url: state.gatewayUrl() }), { auth: false }),
    route("GET", "/users/@me", () => reply(200, state.guild.botUser)),
    route("GET", "/applications/@me", () => reply(200, application())),
    route("GET", "/oauth2/applications/@me", () => reply(200, application())),
    ...commandRoutes(state, "/applications/{app}/commands"),
    ...commandRoutes(state, "/applications/{app}/guilds/{guild}/commands"),
  ];
}

function sessionInfo(state: RestState): Record<string, unknown> {
  return {
    url: state.gatewayUrl(),
    shards: 1,
    session_start_limit: { total: 1000, remaining: 999, reset_after: 14_400_000, max_concurrency: 1 },
  };
}

function applicationObject(state: RestState): Record<string, unknown> {
  return {
    id: state.applicationId,
    name: state.guild.botUser.username,
    icon: null,
    description: "",
    bot_public: false,
    bot_require_code_grant: false,
    bot: state.guild.botUser,
    flags: 0,
    verify_key: "0".repeat(64),
    team: null,
  };
}

/** The command routes of one scope: global when the template has no guild. */
function commandRoutes(state: RestState, base: string): RestRoute[] {
  const scoped =
    (handle: (scope: string, request: RestRequest) => ReturnType<RestRoute["handle"]>) =>
    (request: RestRequest) => {
      if (request.params.app !== state.applicationId) return unknown(10002, "Application");
      const scope = request.params.guild ?? "";
      if (scope && scope !== state.guild.id) return reply(403, { message: "Missing Access", code: 50001 });
      return handle(scope, request);
    };
  return [
    route("GET", base, scoped((scope) => reply(200, state.commands.list(scope)))),
    route(
      "PUT",
      base,
      scoped((scope, request) => reply(200, state.commands.overwrite(scope, commandList(request)))),
      {
        rules: checkCommandList,
      },
    ),
    route(
      "POST",
      base,
      scoped((scope, request) => reply(201, state.commands.upsert(scope, bodyObject(request)))),
      {
        rules: (body) => checkCommand(body),
      },
    ),
    route(
      "DELETE",
      `${base}/{command}`,
      scoped((scope, request) => {
        return state.commands.delete(scope, request.params.command)
          ? reply(204)
          : unknown(10063, "application command");
      }),
    ),
  ];
}

function commandList(request: RestRequest): Record<string, unknown>[] {
  return Array.isArray(request.body) ? request.body : [];
}

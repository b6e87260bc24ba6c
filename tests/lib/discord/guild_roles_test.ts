import assert from "node:assert/strict";
import type { DiscordGatewayPayload, DiscordGuild } from "discordeno";
import { type GatewayListener, routeGatewayPayload } from "../../../lib/discord/discord_client.ts";
import { GuildRoles } from "../../../lib/discord/guild_roles.ts";
import { isDj } from "../../../lib/guild/control_policy.ts";

const GUILD = "100000000000000001";
const MEMBER = { roles: ["300000000000000003"] };

/** Gateway dispatches routed as the bot routes them, into one GuildRoles. */
function gatewayInto(roles: GuildRoles) {
  const ignore = () => {};
  const listener: GatewayListener = {
    onReady: ignore,
    onGuildCreate: (guild) => roles.onGuildCreate(guild),
    onGuildDelete: (guild) => roles.onGuildDelete(guild.id),
    onGuildRoleEvent: (event) => roles.onRoleEvent(event),
    onVoiceStateUpdate: ignore,
    onVoiceServerUpdate: ignore,
    onInteraction: ignore,
  };
  return (t: string, d: unknown) =>
    routeGatewayPayload({ op: 0, t, d, s: 1 } as DiscordGatewayPayload, listener);
}

function guildCreate(roles: { id: string; name: string }[]) {
  return { id: GUILD, name: "Friends", roles } as unknown as DiscordGuild;
}

Deno.test("a DJ role created after GUILD_CREATE is recognised at once", () => {
  const roles = new GuildRoles();
  const dispatch = gatewayInto(roles);
  dispatch("GUILD_CREATE", guildCreate([{ id: GUILD, name: "@everyone" }]));
  assert.equal(isDj(MEMBER, roles.of(GUILD), "DJ"), false);
  dispatch("GUILD_ROLE_CREATE", { guild_id: GUILD, role: { id: MEMBER.roles[0], name: "DJ" } });
  assert.equal(isDj(MEMBER, roles.of(GUILD), "DJ"), true);
});

Deno.test("renaming a role to or from the DJ name follows GUILD_ROLE_UPDATE", () => {
  const roles = new GuildRoles();
  const dispatch = gatewayInto(roles);
  dispatch("GUILD_CREATE", guildCreate([{ id: MEMBER.roles[0], name: "Listeners" }]));
  dispatch("GUILD_ROLE_UPDATE", { guild_id: GUILD, role: { id: MEMBER.roles[0], name: "DJ" } });
  assert.deepEqual(roles.of(GUILD), [{ id: MEMBER.roles[0], name: "DJ" }], "replaced, not added twice");
  assert.equal(isDj(MEMBER, roles.of(GUILD), "DJ"), true);
  dispatch("GUILD_ROLE_UPDATE", { guild_id: GUILD, role: { id: MEMBER.roles[0], name: "Former DJ" } });
  assert.equal(isDj(MEMBER, roles.of(GUILD), "DJ"), false);
});

Deno.test("a deleted DJ role no longer counts", () => {
  const roles = new GuildRoles();
  const dispatch = gatewayInto(roles);
  dispatch("GUILD_CREATE", guildCreate([{ id: MEMBER.roles[0], name: "DJ" }, { id: "42", name: "Other" }]));
  dispatch("GUILD_ROLE_DELETE", { guild_id: GUILD, role_id: MEMBER.roles[0] });
  assert.deepEqual(roles.of(GUILD), [{ id: "42", name: "Other" }]);
  assert.equal(isDj(MEMBER, roles.of(GUILD), "DJ"), false);
});

Deno.test("a guild the bot leaves is forgotten, and role events for unknown guilds add nothing", () => {
  const roles = new GuildRoles();
  const dispatch = gatewayInto(roles);
  dispatch("GUILD_CREATE", guildCreate([{ id: MEMBER.roles[0], name: "DJ" }]));
  assert.equal(roles.size, 1);
  dispatch("GUILD_DELETE", { id: GUILD });
  assert.equal(roles.size, 0);
  assert.deepEqual(roles.of(GUILD), []);
  dispatch("GUILD_ROLE_CREATE", { guild_id: GUILD, role: { id: "7", name: "DJ" } });
  assert.equal(roles.size, 0, "its GUILD_CREATE will list every role if the bot comes back");
});

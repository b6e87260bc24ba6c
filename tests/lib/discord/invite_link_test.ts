import assert from "node:assert/strict";
import { BOT_PERMISSION_INTEGER, inviteLink } from "../../../lib/discord/invite_link.ts";

Deno.test("the permissions are View Channels, Send Messages, Embed Links, Connect and Speak, nothing else", () => {
  // 1 << 10, 1 << 11, 1 << 14, 1 << 20, 1 << 21 as Discord documents them.
  assert.equal(BOT_PERMISSION_INTEGER, String(1024 + 2048 + 16384 + 1048576 + 2097152));
});

Deno.test("the invite link names the application, both scopes and the permissions", () => {
  const url = new URL(inviteLink("123456789012345678"));
  assert.equal(url.origin + url.pathname, "https://discord.com/oauth2/authorize");
  assert.equal(url.searchParams.get("client_id"), "123456789012345678");
  assert.deepEqual(url.searchParams.get("scope")?.split(" "), ["bot", "applications.commands"]);
  assert.equal(url.searchParams.get("permissions"), "3165184");
});

import assert from "node:assert/strict";
import { closeAction, fatalCloseMessage } from "../../../lib/discord/gateway_close_codes.ts";

Deno.test("fatal codes are 4004 and 4010 to 4014", () => {
  const fatal = [4004, 4010, 4011, 4012, 4013, 4014];
  for (const code of fatal) assert.equal(closeAction(code), "fatal", String(code));
  for (const code of [4000, 4001, 4002, 4005, 4008, 1000, 1001, 1006, 0]) {
    assert.equal(closeAction(code), "resume", String(code));
  }
});

Deno.test("4003, 4007 and 4009 need a new session", () => {
  for (const code of [4003, 4007, 4009]) assert.equal(closeAction(code), "identify", String(code));
});

Deno.test("Discordeno's own close codes are left to Discordeno", () => {
  for (const code of [3000, 3010, 3024, 3064, 3065, 3066]) assert.equal(closeAction(code), "internal");
});

Deno.test("fatal messages name the code and what to check", () => {
  assert.ok(/4004/.test(fatalCloseMessage(4004, "")) && /DISCORD_TOKEN/.test(fatalCloseMessage(4004, "")));
  assert.ok(/4014/.test(fatalCloseMessage(4014, "Disallowed intent(s).")));
  assert.ok(/4999: Odd/.test(fatalCloseMessage(4999, "Odd")));
});

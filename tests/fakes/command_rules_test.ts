import assert from "node:assert/strict";
import { checkCommand, checkCommandList } from "./command_rules.ts";
import { PLAYLIST_DEFINITION } from "../../lib/commands/playlist_definition.ts";

const STRING = 3;
const SUB = 1;

Deno.test("the /playlist definition, with its sub-commands, breaks none of Discord's rules", () => {
  // Discordeno sends camelCase definitions in Discord's snake_case; the rules read names, types and order.
  assert.deepEqual(checkCommandList([JSON.parse(JSON.stringify(PLAYLIST_DEFINITION))]), []);
});

Deno.test("the rules look inside sub-commands", () => {
  const command = {
    name: "thing",
    description: "d",
    options: [{
      name: "Sub",
      description: "d",
      type: SUB,
      options: [
        { name: "a", description: "d", type: STRING, required: false },
        { name: "b", description: "d", type: STRING, required: true },
      ],
    }],
  };
  assert.deepEqual(checkCommand(command).map((v) => [v.path, v.code]), [
    ["/options/0/name", "APPLICATION_COMMAND_INVALID_NAME"],
    ["/options/0/options/1/required", "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID"],
  ]);
});

Deno.test("sub-commands cannot sit beside plain options", () => {
  const command = {
    name: "thing",
    description: "d",
    options: [
      { name: "sub", description: "d", type: SUB, options: [] },
      { name: "plain", description: "d", type: STRING },
    ],
  };
  assert.deepEqual(checkCommand(command).map((v) => v.code), ["APPLICATION_COMMAND_OPTIONS_TYPE_INVALID"]);
});

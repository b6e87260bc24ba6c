/**
 * The bot reads only the environment variables it names: the `bot` permission set in deno.json lists them
 * (start and compile both run with it), and the list holds every variable the configuration reads. That
 * the libraries need no more is shown by every other end-to-end test, which starts the bot through it.
 */
import assert from "node:assert/strict";
import { CONFIG_VARIABLES } from "../../config.ts";

const config = JSON.parse(await Deno.readTextFile(new URL("../../deno.json", import.meta.url)));

Deno.test("the bot's permission set names the environment variables it may read", () => {
  const names: unknown = config.permissions.bot.env;
  assert.ok(Array.isArray(names), "env access is narrowed to names");
  for (const variable of CONFIG_VARIABLES) assert.ok(names.includes(variable), `the set allows ${variable}`);
  for (
    const library of ["DENO_CERT", "NODE_EXTRA_CA_CERTS", "NAPI_RS_NATIVE_LIBRARY_PATH", "WS_NO_BUFFER_UTIL"]
  ) {
    assert.ok(names.includes(library), `the set allows ${library}`);
  }
  // The doctor, which tries whatever the settings name, is the one task that reads more.
  for (const name of ["start", "bot", "compile"]) {
    const task: string = config.tasks[name];
    assert.ok(
      !/--allow-env(?![=\w-])|(^|\s)-A(\s|$)|--allow-all/.test(task),
      `${name} does not widen env access`,
    );
  }
});

Deno.test("no Spotify library that lists the whole environment is imported any more", () => {
  assert.equal(config.imports["spotify-web-api-node"], undefined);
});

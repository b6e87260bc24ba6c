/**
 * The bot reads only the environment variables it names: the start and compile tasks list them after
 * `--allow-env=`, and the list holds every variable the configuration reads. That the libraries need no
 * more is shown by every other end-to-end test, which starts the bot through that task.
 */
import assert from "node:assert/strict";
import { CONFIG_VARIABLES } from "../../config.ts";

const config = JSON.parse(await Deno.readTextFile(new URL("../../deno.json", import.meta.url)));

/** The names after `--allow-env=` in a task, or undefined when env access is not narrowed. */
function allowedEnv(task: string): string[] | undefined {
  if (/--allow-env(?![=\w-])/.test(task)) return undefined;
  return /--allow-env=([A-Za-z0-9_,]+)/.exec(task)?.[1].split(",");
}

/** The tasks that run or build the bot itself (`start` may hand over to another task that does). */
const botTasks = Object.entries(config.tasks as Record<string, string>).filter(([, task]) =>
  /deno (run|compile) .*main\.ts/.test(task)
);

Deno.test("the tasks that run the bot name the environment variables it may read", () => {
  assert.ok(botTasks.length >= 2, "a run task and the compile task");
  for (const [name, task] of botTasks) {
    const names = allowedEnv(task);
    assert.ok(names !== undefined, `${name} narrows --allow-env to names`);
    for (const variable of CONFIG_VARIABLES) {
      assert.ok(names.includes(variable), `${name} allows ${variable}`);
    }
    for (
      const library of [
        "DENO_CERT",
        "NODE_EXTRA_CA_CERTS",
        "NAPI_RS_NATIVE_LIBRARY_PATH",
        "WS_NO_BUFFER_UTIL",
      ]
    ) {
      assert.ok(names.includes(library), `${name} allows ${library}`);
    }
  }
  const [first, ...others] = botTasks.map(([, task]) => allowedEnv(task)!.toSorted());
  for (const other of others) assert.deepEqual(other, first, "every bot task allows the same names");
});

Deno.test("no Spotify library that lists the whole environment is imported any more", () => {
  assert.equal(config.imports["spotify-web-api-node"], undefined);
});

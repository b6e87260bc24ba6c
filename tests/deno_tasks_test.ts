/**
 * The tasks operators run: `start` grants explicit permissions only, and `compile` bundles every worker
 * (a compiled binary cannot load a worker file it was not given).
 */
import assert from "node:assert/strict";

const config = JSON.parse(await Deno.readTextFile(new URL("../deno.json", import.meta.url)));
const workers = [...Deno.readDirSync(new URL("../workers/", import.meta.url))]
  .filter((entry) => entry.name.endsWith(".ts"))
  .map((entry) => `workers/${entry.name}`);

Deno.test("the start task names its permissions instead of allowing everything", () => {
  const start: string = config.tasks.start;
  assert.ok(!/(^|\s)(-A|--allow-all)(\s|$)/.test(start), start);
  for (const flag of ["--allow-net", "--allow-ffi", "--allow-read=", "--allow-write=", "--allow-run="]) {
    assert.ok(start.includes(flag), `start grants ${flag}`);
  }
  assert.ok(start.includes("main.ts"));
});

Deno.test("the compile task grants the same permissions and includes every worker", () => {
  const permissions = (task: string) => task.match(/--allow-[a-z]+(=\S+)?/g) ?? [];
  assert.deepEqual(permissions(config.tasks.compile), permissions(config.tasks.start));
  assert.ok(workers.length >= 2);
  for (const worker of workers) assert.ok(config.tasks.compile.includes(`--include ${worker}`), worker);
});

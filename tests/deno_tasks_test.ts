/**
 * The tasks operators run: `start` reads `.env` when there is one and runs `bot run`, which grants explicit
 * permissions only: the static ones from deno.json's permission set, the paths from settings in the shell;
 * `compile` goes through the same `bot` task, so both grant the same, and bundles every worker (a compiled
 * binary cannot load a worker file it was not given); `doctor` reads the same `.env`.
 */
import assert from "node:assert/strict";

const config = JSON.parse(await Deno.readTextFile(new URL("../deno.json", import.meta.url)));
const workers = [...Deno.readDirSync(new URL("../workers/", import.meta.url))]
  .filter((entry) => entry.name.endsWith(".ts"))
  .map((entry) => `workers/${entry.name}`);

Deno.test("the bot task names its permissions instead of allowing everything", () => {
  const bot: string = config.tasks.bot;
  assert.ok(!/(^|\s)(-A|--allow-all)(\s|$)/.test(bot), bot);
  // --quiet: Deno's note that permission sets are experimental would be an unformatted log line.
  assert.match(bot, /exec deno "\$mode" --quiet -P=bot /, "the static part comes from the permission set");
  for (const flag of ["--allow-read=", "--allow-write=", "--allow-run="]) {
    assert.ok(bot.includes(flag), `the shell grants ${flag} (paths from settings)`);
  }
  const set = config.permissions.bot;
  assert.deepEqual(Object.keys(set).toSorted(), ["env", "ffi", "net"]);
  // A flag given in the shell replaces the set's entry for its kind: nothing may be said twice.
  for (const kind of Object.keys(set)) assert.ok(!bot.includes(`--allow-${kind}`), kind);
  assert.match(config.tasks.start, /bot run main\.ts'$/);
});

Deno.test("start and compile go through the one bot task; compile includes every worker", () => {
  assert.match(config.tasks.compile, /^deno task --quiet bot compile /);
  assert.match(config.tasks.compile, / main\.ts$/);
  assert.ok(workers.length >= 2);
  for (const worker of workers) assert.ok(config.tasks.compile.includes(`--include ${worker}`), worker);
});

/**
 * Runs `deno task --quiet start` in a scratch folder holding this deno.json's start and bot tasks and a
 * stand-in main.ts that writes into the data folder and prints what it was given.
 */
async function startInScratch(files: Record<string, string>, env: Record<string, string> = {}) {
  const dir = await Deno.makeTempDir();
  try {
    const tasks = { start: config.tasks.start, bot: config.tasks.bot };
    await Deno.writeTextFile(`${dir}/deno.json`, JSON.stringify({ tasks, permissions: config.permissions }));
    await Deno.writeTextFile(
      `${dir}/main.ts`,
      `const data = Deno.env.get("TRAZOM_DATA_DIR") ?? "./data";
      await Deno.mkdir(data, { recursive: true });
      await Deno.writeTextFile(data + "/written", "");
      console.log("token=" + (Deno.env.get("DISCORD_TOKEN") ?? "unset"));`,
    );
    for (const [name, text] of Object.entries(files)) await Deno.writeTextFile(`${dir}/${name}`, text);
    const output = await new Deno.Command("deno", {
      args: ["task", "--quiet", "start"],
      cwd: dir,
      clearEnv: true,
      env: { PATH: Deno.env.get("PATH") ?? "", HOME: Deno.env.get("HOME") ?? "/tmp", NO_COLOR: "1", ...env },
      stdin: "null",
    }).output();
    const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
    const wrote = await Deno.stat(`${dir}/from-env-file/written`).then(() => true, () => false);
    return { code: output.code, text: decode(output.stdout) + decode(output.stderr), wrote };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const ENV_FILE = "DISCORD_TOKEN=from-file\nTRAZOM_DATA_DIR=./from-env-file\n";

Deno.test("start reads .env with deno's --env-file, in time for the folder permissions", async () => {
  assert.match(config.tasks.start, /--env-file=/);
  const ran = await startInScratch({ ".env": ENV_FILE });
  assert.equal(ran.code, 0, ran.text);
  assert.match(ran.text, /token=from-file/);
  assert.ok(ran.wrote, "the data folder named in .env is writable");
});

Deno.test("the environment wins over .env", async () => {
  const ran = await startInScratch({ ".env": ENV_FILE }, { DISCORD_TOKEN: "from-environment" });
  assert.match(ran.text, /token=from-environment/);
});

Deno.test("without .env the bot starts with no warning; a missing TRAZOM_ENV_FILE is an error", async () => {
  const plain = await startInScratch({});
  assert.equal(plain.code, 0, plain.text);
  assert.equal(plain.text.trim(), "token=unset");
  const named = await startInScratch({ "bot.env": ENV_FILE }, { TRAZOM_ENV_FILE: "bot.env" });
  assert.match(named.text, /token=from-file/);
  const missing = await startInScratch({}, { TRAZOM_ENV_FILE: "missing.env" });
  assert.equal(missing.code, 1);
  assert.match(missing.text, /TRAZOM_ENV_FILE names "missing.env", which does not exist/);
});

Deno.test("doctor reads the same file as start", () => {
  const envPart = (task: string) => task.slice(0, task.indexOf("exec"));
  assert.equal(envPart(config.tasks.doctor), envPart(config.tasks.start));
});

Deno.test("ffmpeg is FFMPEG_PATH or the one on PATH, and --allow-run names exactly that", async () => {
  assert.equal(config.imports["ffmpeg-static"], undefined, "no npm package downloads a binary");
  assert.equal(config.allowScripts, undefined, "no install script to approve or deny");
  const lock = await Deno.readTextFile(new URL("../deno.lock", import.meta.url));
  assert.ok(!lock.includes("ffmpeg-static"), "the lock file does not pull it in either");
  assert.match(config.tasks.bot, /--allow-run="\$\{FFMPEG_PATH:-ffmpeg\}","\$\{YTDLP_PATH:-yt-dlp\}"[\s,]/);
});

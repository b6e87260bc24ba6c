/**
 * The yt-dlp the bot installs for itself, in `<data>/yt-dlp`: two Python virtual environments (`slot-a`,
 * `slot-b`) and a `current` symlink to the one in use; every run starts `current/bin/yt-dlp`. A new release
 * goes into the other slot and is switched to only after it answers `--version` and imports; a run already
 * started keeps the binary it started with, and the previous release stays until the next update.
 */
import { join, resolve } from "node:path";
import { readYtdlpVersion } from "./ytdlp_version.ts";

export type Slot = "a" | "b";

/** What a slot holds once it passed its self-check. */
export interface Installed {
  readonly slot: Slot;
  readonly version: string;
}

/** How packages are fetched; `indexUrl` (TRAZOM_PIP_INDEX_URL) replaces PyPI. */
export interface OwnYtdlpOptions {
  readonly indexUrl?: string;
  readonly log: (line: string) => void;
  /** The Python that makes the environments. */
  readonly python?: string;
}

/** The folder below the data folder, fixed so that `--allow-run` can name the paths in it. */
export const OWN_YTDLP_DIR = "yt-dlp";
const INSTALL_TIMEOUT_MS = 10 * 60_000;
const CHECK_TIMEOUT_MS = 60_000;

/** The bot's own yt-dlp installations. */
export class OwnYtdlp {
  readonly dir: string;

  constructor(dataDir: string, private readonly options: OwnYtdlpOptions) {
    this.dir = resolve(dataDir, OWN_YTDLP_DIR);
  }

  /** The command every yt-dlp run starts: the current slot's, through the `current` symlink. */
  get command(): string {
    return join(this.dir, "current", "bin", "yt-dlp");
  }

  /** The slot in use and its version, if it still passes its self-check. */
  async current(): Promise<Installed | undefined> {
    const target = await Deno.readLink(join(this.dir, "current")).catch(() => "");
    const slot = target.replace(/^slot-/, "");
    if (slot !== "a" && slot !== "b") return undefined;
    const version = await this.#selfCheck(slot).catch(() => undefined);
    return version ? { slot, version } : undefined;
  }

  /** The newest release the index offers, or undefined when it cannot be asked. */
  async latestVersion(using: Slot): Promise<string | undefined> {
    const result = await this.#run(this.#python(using), [
      "-m",
      "pip",
      "index",
      "versions",
      "yt-dlp",
      ...this.#pipOptions(),
    ], CHECK_TIMEOUT_MS);
    return result.ok ? /^yt-dlp \(([^)]+)\)/m.exec(result.stdout)?.[1] : undefined;
  }

  /**
   * Installs `version` (or the newest) into the slot not in use and checks it; rejects with the reason when
   * it cannot be installed or fails its check. Nothing in use is touched.
   */
  async install(inUse: Slot | undefined, version?: string): Promise<Installed> {
    const slot: Slot = inUse === "a" ? "b" : "a";
    const dir = this.#slotDir(slot);
    await Deno.mkdir(this.dir, { recursive: true });
    await Deno.remove(dir, { recursive: true }).catch(() => {});
    this.options.log(`Installing yt-dlp${version ? ` ${version}` : ""} into ${dir} (a Python environment).`);
    const venv = await this.#run(this.options.python ?? "python3", ["-m", "venv", dir], INSTALL_TIMEOUT_MS);
    if (!venv.ok) throw new Error(`python3 -m venv failed: ${venv.detail}`);
    const pinned = version ? `==${version}` : "";
    // The [default] extra brings the EJS scripts YouTube needs; an index without them still gets yt-dlp.
    for (const requirement of [`yt-dlp[default]${pinned}`, `yt-dlp${pinned}`]) {
      const pip = await this.#run(this.#python(slot), [
        "-m",
        "pip",
        "install",
        "--no-cache-dir",
        ...this.#pipOptions(),
        requirement,
      ], INSTALL_TIMEOUT_MS);
      if (pip.ok) {
        const installed = await this.#selfCheck(slot);
        this.options.log(`Installed yt-dlp ${installed} (${requirement}); it passed its self-check.`);
        return { slot, version: installed };
      }
      this.options.log(`pip could not install ${requirement}: ${pip.detail}`);
    }
    throw new Error("pip could not install yt-dlp (see the lines above)");
  }

  /**
   * Makes `slot` the one every later run uses: a new symlink renamed over `current`, atomically. Python
   * does it: Deno grants symlinks only with unscoped file access, which the bot does not have.
   */
  async activate(slot: Slot): Promise<void> {
    const link = join(this.dir, "current");
    const script = "import os, sys; os.symlink(sys.argv[2], sys.argv[1] + '.new'); " +
      "os.replace(sys.argv[1] + '.new', sys.argv[1])";
    await Deno.remove(`${link}.new`).catch(() => {});
    const switched = await this.#run(
      this.options.python ?? "python3",
      ["-c", script, link, `slot-${slot}`],
      CHECK_TIMEOUT_MS,
    );
    if (!switched.ok) throw new Error(`could not switch to slot ${slot}: ${switched.detail}`);
  }

  /** Removes a slot that failed, so that nothing half-installed is left. */
  async discard(slot: Slot): Promise<void> {
    await Deno.remove(this.#slotDir(slot), { recursive: true }).catch(() => {});
  }

  /** `yt-dlp --version` and `import yt_dlp` in the slot; resolves with the version. */
  async #selfCheck(slot: Slot): Promise<string> {
    const version = await this.#run(
      join(this.#slotDir(slot), "bin", "yt-dlp"),
      ["--version"],
      CHECK_TIMEOUT_MS,
    );
    const found = readYtdlpVersion(version.stdout);
    if (!version.ok || found.status === "missing" || !found.version) {
      throw new Error(`its yt-dlp --version failed: ${version.detail}`);
    }
    const imports = await this.#run(this.#python(slot), ["-c", "import yt_dlp"], CHECK_TIMEOUT_MS);
    if (!imports.ok) throw new Error(`import yt_dlp failed: ${imports.detail}`);
    return found.version;
  }

  #slotDir(slot: Slot): string {
    return join(this.dir, `slot-${slot}`);
  }

  #python(slot: Slot): string {
    return join(this.#slotDir(slot), "bin", "python");
  }

  #pipOptions(): string[] {
    return [
      "--disable-pip-version-check",
      "--no-input",
      ...(this.options.indexUrl ? ["--index-url", this.options.indexUrl] : []),
    ];
  }

  /** Runs a command with an empty environment: no token or secret reaches pip or yt-dlp. */
  async #run(command: string, args: string[], timeoutMs: number) {
    try {
      const output = await new Deno.Command(command, {
        args,
        clearEnv: true,
        stdin: "null",
        signal: AbortSignal.timeout(timeoutMs),
      }).output();
      const stdout = new TextDecoder().decode(output.stdout);
      const stderr = new TextDecoder().decode(output.stderr);
      return { ok: output.success, stdout, detail: lastLine(stderr || stdout) };
    } catch (error) {
      return { ok: false, stdout: "", detail: error instanceof Error ? error.message : String(error) };
    }
  }
}

function lastLine(text: string): string {
  return text.trim().split("\n").at(-1)?.slice(0, 300) || "no message";
}

/**
 * yt-dlp writes its `--cookies` file back at the end of every run, and a run killed while writing (a
 * superseded search, a skip) can leave it truncated. Each run therefore gets a private copy (mode 0600,
 * removed afterwards), and the operator's file is only ever read.
 */

/** The folder private copies go to: emptied at start, since a killed bot leaves its copies behind. */
export async function preparePrivateFolder(dir: string): Promise<void> {
  await Deno.remove(dir, { recursive: true }).catch((error) => {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  });
  await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
}

/** A sentence for the operator when YTDLP_COOKIES names a file the bot cannot read, else undefined. */
export async function cookiesProblem(cookiesPath: string | undefined): Promise<string | undefined> {
  if (cookiesPath === undefined) return undefined;
  try {
    await Deno.readFile(cookiesPath);
    return undefined;
  } catch (error) {
    return `YTDLP_COOKIES names "${cookiesPath}", which the bot cannot read (${(error as Error).name}).`;
  }
}

/** Runs `run` with the path of a fresh private copy of `cookiesPath` (or undefined without one). */
export async function withCookiesCopy<T>(
  cookiesPath: string | undefined,
  privateDir: string | undefined,
  run: (copyPath: string | undefined) => Promise<T>,
): Promise<T> {
  if (cookiesPath === undefined) return await run(undefined);
  const copy = await Deno.makeTempFile({ dir: privateDir, prefix: "cookies-", suffix: ".txt" });
  try {
    await Deno.chmod(copy, 0o600);
    await Deno.writeFile(copy, await readCookies(cookiesPath), { mode: 0o600 });
    return await run(copy);
  } finally {
    await Deno.remove(copy).catch(() => {});
  }
}

async function readCookies(path: string): Promise<Uint8Array> {
  try {
    return await Deno.readFile(path);
  } catch (error) {
    throw new Error(`Could not read the cookies file YTDLP_COOKIES names: ${(error as Error).name}`, {
      cause: error,
    });
  }
}

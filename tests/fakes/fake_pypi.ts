/**
 * A loopback stand-in for the Python package index (PEP 503 "simple" pages) serving wheels a test builds:
 * a fake `yt_dlp` package whose `yt-dlp` command answers `--version` with its own version, notes each run
 * in a log, and hands everything else to the fake yt-dlp (fake_ytdlp.ts through its wrapper script). A
 * "broken" release fails its `--version`. It declares a `default` extra needing a package the index does
 * not have, as `yt-dlp[default]` does where its extras cannot be had.
 */
import { basename, join } from "node:path";

/** One release to build. */
export interface FakeRelease {
  version: string;
  broken?: boolean;
}

/** The running index. */
export class FakePypi {
  readonly #wheels = new Map<string, Uint8Array>();
  readonly #server: Deno.HttpServer<Deno.NetAddr>;
  /** Paths the index was asked for, in order. */
  readonly requests: string[] = [];

  private constructor(readonly dir: string, private readonly wrapper: string, readonly runsLog: string) {
    this.#server = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen: () => {} },
      (request) => this.#answer(request),
    );
  }

  /** Starts an empty index whose wheels run `wrapper` (the fake yt-dlp) for real work. */
  static async start(dir: string, wrapper: string): Promise<FakePypi> {
    await Deno.mkdir(dir, { recursive: true });
    return new FakePypi(dir, wrapper, join(dir, "runs.log"));
  }

  /** What pip's --index-url takes. */
  get url(): string {
    return `http://127.0.0.1:${this.#server.addr.port}/simple/`;
  }

  /** Builds the wheel of `release` and serves it from now on. */
  async publish(release: FakeRelease): Promise<void> {
    const path = await buildWheel(this.dir, release, this.wrapper, this.runsLog);
    this.#wheels.set(basename(path), await Deno.readFile(path));
  }

  /** The versions of the fake yt-dlp that ran something other than --version and named `text`, in order. */
  async runVersions(text = ""): Promise<string[]> {
    const log = await Deno.readTextFile(this.runsLog).catch(() => "");
    return log.split("\n").filter((line) => line && line.includes(text)).map((line) => line.split(" ")[0]);
  }

  close(): Promise<void> {
    return this.#server.shutdown();
  }

  #answer(request: Request): Response {
    const path = new URL(request.url).pathname;
    this.requests.push(path);
    if (path === "/simple/yt-dlp/") {
      const links = [...this.#wheels.keys()].map((name) => `<a href="/files/${name}">${name}</a><br>`);
      return html(`<!DOCTYPE html><html><body>${links.join("\n")}</body></html>`);
    }
    const wheel = path.startsWith("/files/") ? this.#wheels.get(path.slice("/files/".length)) : undefined;
    if (wheel) {
      return new Response(wheel.slice(), { headers: { "content-type": "application/octet-stream" } });
    }
    return new Response("Not Found", { status: 404 });
  }
}

function html(body: string): Response {
  return new Response(body, { headers: { "content-type": "text/html" } });
}

/** Writes `yt_dlp-VERSION-py3-none-any.whl` into `dir` with Python's zipfile; returns its path. */
async function buildWheel(
  dir: string,
  release: FakeRelease,
  wrapper: string,
  runsLog: string,
): Promise<string> {
  const path = join(dir, `yt_dlp-${release.version}-py3-none-any.whl`);
  const main = `import os, sys
VERSION = ${JSON.stringify(release.version)}
def main():
    args = sys.argv[1:]
    if "--version" in args:
        if ${release.broken ? "True" : "False"}:
            sys.stderr.write("this release is broken\\n")
            sys.exit(1)
        print(VERSION)
        return
    with open(${JSON.stringify(runsLog)}, "a") as log:
        log.write(VERSION + " " + " ".join(args) + "\\n")
    os.execv(${JSON.stringify(wrapper)}, [${JSON.stringify(wrapper)}] + args)
if __name__ == "__main__":
    main()
`;
  const files: Record<string, string> = {
    "yt_dlp/__init__.py": `__version__ = ${JSON.stringify(release.version)}\n`,
    "yt_dlp/__main__.py": main,
    [`yt_dlp-${release.version}.dist-info/METADATA`]: [
      "Metadata-Version: 2.1",
      "Name: yt-dlp",
      `Version: ${release.version}`,
      "Provides-Extra: default",
      'Requires-Dist: yt-dlp-ejs ; extra == "default"',
      "",
    ].join("\n"),
    [`yt_dlp-${release.version}.dist-info/WHEEL`]:
      "Wheel-Version: 1.0\nGenerator: trazom-tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
    [`yt_dlp-${release.version}.dist-info/entry_points.txt`]:
      "[console_scripts]\nyt-dlp = yt_dlp.__main__:main\n",
  };
  const script = `import base64, hashlib, json, sys, zipfile
files = json.loads(sys.stdin.read())
record_name = [n for n in files if n.endswith("/WHEEL")][0].replace("/WHEEL", "/RECORD")
lines = []
with zipfile.ZipFile(sys.argv[1], "w") as wheel:
    for name, text in files.items():
        data = text.encode()
        wheel.writestr(name, data)
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        lines.append(f"{name},sha256={digest},{len(data)}")
    lines.append(f"{record_name},,")
    wheel.writestr(record_name, "\\n".join(lines) + "\\n")
`;
  const child = new Deno.Command("python3", { args: ["-c", script, path], stdin: "piped" }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(JSON.stringify(files)));
  await writer.close();
  const status = await child.status;
  if (!status.success) throw new Error(`Building the wheel of ${release.version} failed`);
  return path;
}

/**
 * The proxy against the real yt-dlp. Two loopback addresses stand in for two worlds: 127.0.0.2 plays "the
 * public internet" (the test policy treats only it as public) and 127.0.0.1 is the private network the
 * bot must never reach. Invented names resolve only through the proxy's injected lookup, so a test that
 * fetches `media.example` proves yt-dlp really went through the proxy.
 */
import assert from "node:assert/strict";
import {
  connectWithin,
  type EgressProxy,
  type Refusal,
  refusalError,
  startEgressProxy,
} from "../../../lib/sources/egress_proxy.ts";
import { guardedYtdlpJson } from "../../../lib/sources/guarded_ytdlp.ts";
import { UserError } from "../../../lib/user_error.ts";
import { isInternalAddress } from "../../../lib/sources/ip_ranges.ts";
import { type AddressPolicy } from "../../../lib/sources/address_guard.ts";
import { downloadArgs, metadataArgs, searchArgs } from "../../../lib/sources/ytdlp_args.ts";
import { runYtdlp } from "../../../lib/sources/ytdlp_runner.ts";
import { waitUntil } from "../../fakes/wait_until.ts";
import { explainYtdlpFailure } from "../../../lib/sources/ytdlp_errors.ts";
import { trackFromVideoJson } from "../../../lib/sources/ytdlp_output.ts";

const PUBLIC_STAND_IN = "127.0.0.2";
const NAMES: Record<string, string[]> = {
  "media.example": [PUBLIC_STAND_IN],
  "private.example": ["127.0.0.1"],
};

function policy(allowPrivate: boolean): AddressPolicy {
  return {
    allowPrivate,
    lookup: (name) => NAMES[name] ? Promise.resolve(NAMES[name]) : Promise.reject(new Error("ENOTFOUND")),
    isInternal: (ip) => ip !== PUBLIC_STAND_IN && isInternalAddress(ip),
  };
}

async function makeMp3(): Promise<Uint8Array<ArrayBuffer>> {
  const path = await Deno.makeTempFile({ suffix: ".mp3" });
  const ffmpeg = new Deno.Command("ffmpeg", {
    args: ["-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "sine=frequency=440:duration=2"]
      .concat(["-ac", "1", "-b:a", "32k", path]),
  });
  assert.equal((await ffmpeg.output()).code, 0);
  const bytes = await Deno.readFile(path);
  await Deno.remove(path);
  return bytes;
}

interface World {
  mp3: Uint8Array<ArrayBuffer>;
  publicPort: number;
  privatePort: number;
  privateHits: () => number;
  close: () => Promise<void>;
}

async function startWorld(): Promise<World> {
  const mp3 = await makeMp3();
  let hits = 0;
  const quiet = { onListen() {} };
  const privateServer = Deno.serve({ hostname: "127.0.0.1", port: 0, ...quiet }, () => {
    hits++;
    return new Response(mp3, { headers: { "content-type": "audio/mpeg" } });
  });
  const privatePort = privateServer.addr.port;
  const publicServer = Deno.serve({ hostname: PUBLIC_STAND_IN, port: 0, ...quiet }, (request) => {
    const path = new URL(request.url).pathname;
    if (path === "/tone.mp3") return new Response(mp3, { headers: { "content-type": "audio/mpeg" } });
    if (path === "/to-ip") return Response.redirect(`http://127.0.0.1:${privatePort}/secret.mp3`, 302);
    if (path === "/to-name") {
      return Response.redirect(`http://private.example:${privatePort}/secret.mp3`, 302);
    }
    return new Response("not found", { status: 404 });
  });
  return {
    mp3,
    publicPort: publicServer.addr.port,
    privatePort,
    privateHits: () => hits,
    close: async () => {
      await publicServer.shutdown();
      await privateServer.shutdown();
    },
  };
}

const RUN = { ytdlpPath: "yt-dlp", timeoutMs: 30_000 };

Deno.test("yt-dlp reaches a public host only through the proxy, and downloads from it", async () => {
  const world = await startWorld();
  const proxy = startEgressProxy(policy(false));
  try {
    const link = `http://media.example:${world.publicPort}/tone.mp3`;
    const result = await runYtdlp(metadataArgs(link, { proxy: proxy.url }), RUN);
    assert.equal(result.code, 0, result.stderr);
    const track = trackFromVideoJson(JSON.parse(result.stdout), link);
    assert.deepEqual(track.source, { kind: "url", url: link });

    const dir = await Deno.makeTempDir();
    const out = `${dir}/100% tone.tmp`;
    const download = await runYtdlp(downloadArgs(link, out, { proxy: proxy.url }), RUN);
    assert.equal(download.code, 0, download.stderr);
    assert.deepEqual(await Deno.readFile(out), world.mp3);
    await Deno.remove(dir, { recursive: true });
    assert.deepEqual(proxy.refusals, []);
  } finally {
    await proxy.close();
    await world.close();
  }
});

Deno.test("a redirect to a private address is refused and never reaches the private server", async () => {
  const world = await startWorld();
  const proxy = startEgressProxy(policy(false));
  // An exception list inherited from the environment would send the redirect around the proxy.
  Deno.env.set("no_proxy", "127.0.0.1,private.example");
  try {
    for (const path of ["/to-ip", "/to-name"]) {
      const link = `http://media.example:${world.publicPort}${path}`;
      const result = await runYtdlp(metadataArgs(link, { proxy: proxy.url }), RUN);
      assert.notEqual(result.code, 0);
      assert.ok(/HTTP Error 403/.test(result.stderr), result.stderr);
    }
    assert.equal(world.privateHits(), 0);
    assert.deepEqual(proxy.refusals.map((refusal) => refusal.host), ["127.0.0.1", "private.example"]);
    const error = refusalError(proxy);
    assert.ok(
      error && /led somewhere I'm not allowed to go.*"127\.0\.0\.1"/.test(error.message),
      error?.message,
    );
  } finally {
    Deno.env.delete("no_proxy");
    await proxy.close();
    await world.close();
  }
});

Deno.test("https through CONNECT to a private address is refused before any byte is sent", async () => {
  const world = await startWorld();
  const proxy = startEgressProxy(policy(false));
  try {
    const link = `https://private.example:${world.privatePort}/secret.mp3`;
    const result = await runYtdlp(metadataArgs(link, { proxy: proxy.url }), RUN);
    assert.notEqual(result.code, 0);
    assert.ok(/Tunnel connection failed: 403/.test(result.stderr), result.stderr);
    assert.equal(
      explainYtdlpFailure(result.stderr, result.code).message,
      "That link led to an address I'm not allowed to fetch.",
    );
    assert.equal(world.privateHits(), 0);
    assert.equal(proxy.refusals[0]?.host, "private.example");
  } finally {
    await proxy.close();
    await world.close();
  }
});

Deno.test("with allowPrivate the proxy follows the same redirect", async () => {
  const world = await startWorld();
  const proxy = startEgressProxy(policy(true));
  try {
    const link = `http://media.example:${world.publicPort}/to-name`;
    const result = await runYtdlp(metadataArgs(link, { proxy: proxy.url }), RUN);
    assert.equal(result.code, 0, result.stderr);
    assert.ok(world.privateHits() >= 1);
    assert.deepEqual(proxy.refusals, []);
  } finally {
    await proxy.close();
    await world.close();
  }
});

async function rawExchange(proxyUrl: string, request: string): Promise<string> {
  const { hostname, port } = new URL(proxyUrl);
  const conn = await Deno.connect({ hostname, port: Number(port) });
  await conn.write(new TextEncoder().encode(request));
  const response = await new Response(conn.readable).text();
  return response;
}

Deno.test("the proxy resolves once and connects to the address it checked (no DNS rebinding)", async () => {
  const world = await startWorld();
  let calls = 0;
  // First answer public, every later answer private: a rebinding attack.
  const rebinding: AddressPolicy = {
    ...policy(false),
    lookup: () => Promise.resolve(calls++ === 0 ? [PUBLIC_STAND_IN] : ["127.0.0.1"]),
  };
  const proxy = startEgressProxy(rebinding);
  try {
    const target = `http://rebind.example:${world.publicPort}/tone.mp3`;
    const response = await rawExchange(proxy.url, `GET ${target} HTTP/1.1\r\nHost: rebind.example\r\n\r\n`);
    assert.ok(response.startsWith("HTTP/1.1 200"), response.slice(0, 80));
    assert.equal(calls, 1);
    assert.equal(world.privateHits(), 0);
  } finally {
    await proxy.close();
    await world.close();
  }
});

Deno.test("the proxy answers 400 to requests that are not proxy requests", async () => {
  const proxy = startEgressProxy(policy(false));
  try {
    for (
      const request of [
        "GET /relative HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET https://media.example/ HTTP/1.1\r\n\r\n",
        "CONNECT media.example HTTP/1.1\r\n\r\n",
        "GET http://user:pw@media.example/ HTTP/1.1\r\n\r\n",
        "garbage\r\n\r\n",
      ]
    ) {
      const response = await rawExchange(proxy.url, request);
      assert.ok(response.startsWith("HTTP/1.1 400"), `${JSON.stringify(request)} → ${response}`);
    }
    assert.deepEqual(proxy.refusals, []);
  } finally {
    await proxy.close();
  }
});

Deno.test("a search while YouTube can't be reached is a network failure, not a refusal", async () => {
  const offline: AddressPolicy = {
    allowPrivate: false,
    lookup: () => Promise.reject(new Error("getaddrinfo EAI_AGAIN")),
  };
  const searching = guardedYtdlpJson((common) => searchArgs("line one", 1, common), {
    ytdlpPath: "yt-dlp",
    policy: offline,
    timeoutMs: 60_000,
  });
  const error = await searching.then(() => assert.fail("the search succeeded offline"), (error) => error);
  assert.ok(error instanceof UserError, String(error));
  assert.equal(error.message, "I couldn't reach YouTube just now; please try again in a moment.");
});

Deno.test("a refusal outranks a host that could not be reached", () => {
  const proxy = (refusals: Refusal[]): EgressProxy => ({ url: "", refusals, close: () => Promise.resolve() });
  const unreachable: Refusal = { host: "cdn.example", reason: "", kind: "unreachable" };
  const refused: Refusal = { host: "nas.local", reason: "It is private.", kind: "refused" };
  assert.equal(
    refusalError(proxy([unreachable, refused]))?.message,
    "That link led somewhere I'm not allowed to go. It is private.",
  );
  assert.equal(
    refusalError(proxy([unreachable]))?.message,
    `I couldn't reach "cdn.example" just now; please try again in a moment.`,
  );
  assert.equal(
    refusalError(proxy([{ host: "rr3---sn-abc.googlevideo.com", reason: "", kind: "unreachable" }]))?.message,
    "I couldn't reach YouTube just now; please try again in a moment.",
  );
  assert.equal(refusalError(proxy([])), undefined);
});

Deno.test("a connect that gets no answer gives up at its deadline, and a late connection is closed", async () => {
  let late: (conn: Deno.Conn) => void = () => {};
  // A host that drops packets: the connect neither succeeds nor fails until the system gives up.
  const silent = () => new Promise<Deno.Conn>((resolve) => late = resolve);
  const started = Date.now();
  await assert.rejects(() => connectWithin("192.0.2.1", 9, 300, silent), /took over 300 ms/);
  assert.ok(Date.now() - started < 5_000, `gave up after ${Date.now() - started} ms`);
  let closed = false;
  late({ close: () => closed = true } as unknown as Deno.Conn);
  await waitUntil(() => closed, "a connection that comes after the deadline is closed", 5_000);
});

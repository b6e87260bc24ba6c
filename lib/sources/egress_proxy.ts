/**
 * A tiny HTTP forward proxy on loopback that yt-dlp is pointed at with `--proxy`, so every connection it
 * makes — including those after redirects, which the bot never sees — passes the address rule.
 *
 * It resolves each target itself and connects to the checked address, so a name that changes its answer
 * between the check and the connection (DNS rebinding) gains nothing. Refused targets get a 403 and are
 * recorded, so the caller can tell the user why the link failed. Start one per yt-dlp run so the refusals
 * belong to that run.
 */
import { UserError } from "../user_error.ts";
import { type AddressPolicy, bareHostname, HostNotFoundError, resolveAllowed } from "./address_guard.ts";

/**
 * A connection the proxy did not make: `refused` by the address rule, or `unreachable` because the host
 * could not be found or connected to (the network's failure, which a user must not read as a refusal).
 */
export interface Refusal {
  host: string;
  reason: string;
  kind: "refused" | "unreachable";
}

/** A running proxy: its URL for `--proxy`, what it refused so far, and how to stop it. */
export interface EgressProxy {
  readonly url: string;
  readonly refusals: readonly Refusal[];
  close(): Promise<void>;
}

const MAX_HEAD_BYTES = 32 * 1024;
const HEAD_TIMEOUT_MS = 10_000;
/** Per address: a host that drops packets would otherwise hold a run for the system's ~127 s. */
export const CONNECT_TIMEOUT_MS = 10_000;
// Hop-by-hop headers meant for the proxy, or that would keep the upstream connection open after one request.
const HOP_HEADERS = new Set(["proxy-connection", "proxy-authorization", "connection", "keep-alive"]);
// Header bytes are latin1 on the wire; one byte per character keeps indexes in step with the buffer.
const LATIN1 = new TextDecoder("latin1");

interface Target {
  url: URL;
  port: number;
  tunnel: boolean;
}

interface Head {
  requestLine: string;
  headers: string[];
  rest: Uint8Array;
}

/** Starts the proxy on 127.0.0.1 on a free port. */
export function startEgressProxy(policy: AddressPolicy): EgressProxy {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const refusals: Refusal[] = [];
  const open = new Set<Deno.Conn>();
  const accepting = acceptAll(listener, (conn) => handle(conn, policy, refusals, open));
  return {
    url: `http://127.0.0.1:${listener.addr.port}`,
    refusals,
    close: async () => {
      listener.close();
      for (const conn of open) closeQuietly(conn);
      await accepting;
    },
  };
}

/**
 * The error to show when a run failed because the proxy refused a connection or could not make one, if so.
 * A refusal outranks a network failure: it is the one a retry cannot fix.
 */
export function refusalError(proxy: EgressProxy): UserError | undefined {
  const refused = proxy.refusals.find((refusal) => refusal.kind === "refused");
  if (refused !== undefined) {
    return new UserError(`That link led somewhere I'm not allowed to go. ${refused.reason}`);
  }
  const unreachable = proxy.refusals[0];
  if (unreachable === undefined) return undefined;
  return new UserError(
    `I couldn't reach ${siteName(unreachable.host)} just now; please try again in a moment.`,
  );
}

const SITES: readonly (readonly [RegExp, string])[] = [
  [
    /(?:^|\.)(?:youtube\.com|youtu\.be|googlevideo\.com|ytimg\.com|ggpht\.com|youtube-nocookie\.com)$/,
    "YouTube",
  ],
  [/(?:^|\.)(?:soundcloud\.com|sndcdn\.com)$/, "SoundCloud"],
  [/(?:^|\.)(?:bandcamp\.com|bcbits\.com)$/, "Bandcamp"],
];

/** "YouTube" for any of its hosts; other hosts by name. */
function siteName(host: string): string {
  return SITES.find(([pattern]) => pattern.test(host.toLowerCase()))?.[1] ?? `"${host}"`;
}

async function acceptAll(listener: Deno.TcpListener, onConn: (conn: Deno.Conn) => Promise<void>) {
  const handlers = new Set<Promise<void>>();
  try {
    for await (const conn of listener) {
      const handler = onConn(conn).catch(() => closeQuietly(conn)).finally(() => handlers.delete(handler));
      handlers.add(handler);
    }
  } catch {
    // The listener was closed.
  }
  await Promise.allSettled(handlers);
}

async function handle(conn: Deno.Conn, policy: AddressPolicy, refusals: Refusal[], open: Set<Deno.Conn>) {
  open.add(conn);
  try {
    const head = await readHead(conn);
    const target = head && parseTarget(head.requestLine);
    if (!head || !target) return await answer(conn, 400, "Bad Request");
    const checked = await checkTarget(target, policy, refusals);
    if (checked === "refused") return await answer(conn, 403, "Forbidden");
    const upstream = checked === "unreachable" ? undefined : await connectFirst(checked, target.port);
    if (upstream === undefined) {
      if (checked !== "unreachable") {
        const host = bareHostname(target.url);
        refusals.push({ host, reason: `I couldn't connect to "${host}".`, kind: "unreachable" });
      }
      return await answer(conn, 502, "Bad Gateway");
    }
    open.add(upstream);
    const opening = target.tunnel
      ? [conn, "HTTP/1.1 200 Connection Established\r\n\r\n"] as const
      : [upstream, rewriteHead(head, target.url)] as const;
    await write(opening[0], latin1Bytes(opening[1]));
    await splice(conn, upstream, head.rest);
    open.delete(upstream);
  } finally {
    open.delete(conn);
    closeQuietly(conn);
  }
}

async function checkTarget(
  target: Target,
  policy: AddressPolicy,
  refusals: Refusal[],
): Promise<string[] | Refusal["kind"]> {
  const host = bareHostname(target.url);
  try {
    return await resolveAllowed(host, policy);
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    const kind = error instanceof HostNotFoundError ? "unreachable" : "refused";
    refusals.push({ host, reason: error.message, kind });
    return kind;
  }
}

/** Reads up to the blank line ending the request head; what follows it is kept for the upstream. */
async function readHead(conn: Deno.Conn): Promise<Head | undefined> {
  const reader = conn.readable.getReader();
  const timer = setTimeout(() => reader.cancel(), HEAD_TIMEOUT_MS);
  let buffered: Uint8Array = new Uint8Array(0);
  try {
    while (buffered.length <= MAX_HEAD_BYTES) {
      const end = LATIN1.decode(buffered).indexOf("\r\n\r\n");
      if (end !== -1) {
        const [requestLine, ...headers] = LATIN1.decode(buffered.subarray(0, end)).split("\r\n");
        return { requestLine, headers, rest: buffered.slice(end + 4) };
      }
      const { value, done } = await reader.read();
      if (done) return undefined;
      buffered = concat(buffered, value);
    }
    return undefined;
  } finally {
    clearTimeout(timer);
    reader.releaseLock();
  }
}

/** Reads "CONNECT host:port HTTP/1.1" or "GET http://host/path HTTP/1.1"; anything else is refused. */
function parseTarget(requestLine: string): Target | undefined {
  const match = /^([A-Z]+) (\S+) HTTP\/1\.[01]$/.exec(requestLine);
  if (match === null) return undefined;
  const [, method, target] = match;
  const tunnel = method === "CONNECT";
  if (tunnel && !/^(\[[^\]]+\]|[^:/@\[\]]+):\d+$/.test(target)) return undefined;
  // WHATWG parsing normalizes hex, octal and decimal IPv4 hosts, so the check sees the real address.
  const url = URL.parse(tunnel ? `https://${target}` : target);
  if (url === null || url.username !== "" || (!tunnel && url.protocol !== "http:")) return undefined;
  const port = Number(url.port || (tunnel ? 443 : 80));
  return port > 0 && port < 65536 ? { url, port, tunnel } : undefined;
}

function rewriteHead(head: Head, url: URL): string {
  const method = head.requestLine.split(" ")[0];
  const kept = head.headers.filter((line) => !HOP_HEADERS.has(line.split(":")[0].trim().toLowerCase()));
  return [`${method} ${url.pathname}${url.search} HTTP/1.1`, ...kept, "Connection: close", "", ""].join(
    "\r\n",
  );
}

async function connectFirst(addresses: string[], port: number): Promise<Deno.Conn | undefined> {
  for (const hostname of addresses) {
    try {
      return await connectWithin(hostname, port, CONNECT_TIMEOUT_MS);
    } catch {
      // Try the next checked address.
    }
  }
  return undefined;
}

/** Deno.connect with a deadline (its `signal` does not cut a connect short); a late connection is closed. */
export async function connectWithin(
  hostname: string,
  port: number,
  timeoutMs: number,
  connect: (options: Deno.ConnectOptions) => Promise<Deno.Conn> = Deno.connect,
): Promise<Deno.Conn> {
  const connecting = connect({ hostname, port });
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`connecting to ${hostname}:${port} took over ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([connecting, deadline]);
  } catch (error) {
    connecting.then(closeQuietly, () => {});
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

/** Copies both ways until the upstream is done; a client that stops sending only half-closes the upstream. */
async function splice(client: Deno.Conn, upstream: Deno.Conn, rest: Uint8Array): Promise<void> {
  const up = (async () => {
    if (rest.length > 0) await write(upstream, rest);
    await client.readable.pipeTo(upstream.writable, { preventClose: true });
    await upstream.closeWrite();
  })().catch(() => closeQuietly(upstream));
  await upstream.readable.pipeTo(client.writable, { preventClose: true }).catch(() => {});
  closeQuietly(upstream);
  closeQuietly(client);
  await up;
}

async function write(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  const writer = conn.writable.getWriter();
  try {
    await writer.write(bytes);
  } finally {
    writer.releaseLock();
  }
}

async function answer(conn: Deno.Conn, status: number, text: string): Promise<void> {
  const response = `HTTP/1.1 ${status} ${text}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`;
  await write(conn, latin1Bytes(response)).catch(() => {});
}

function closeQuietly(conn: Deno.Conn): void {
  try {
    conn.close();
  } catch {
    // Already closed.
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const joined = new Uint8Array(a.length + b.length);
  joined.set(a);
  joined.set(b, a.length);
  return joined;
}

function latin1Bytes(text: string): Uint8Array {
  return Uint8Array.from(text, (char) => char.charCodeAt(0) & 0xff);
}

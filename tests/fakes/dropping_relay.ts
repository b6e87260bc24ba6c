/**
 * A loopback TCP relay that can fail the way networks do: cut every connection without a goodbye, or go
 * silent while keeping connections open.
 *
 * `Deno.serve` can only close a WebSocket politely (with a close frame); putting this relay in front of it
 * lets a test end the TCP connection under the TLS and WebSocket layers instead.
 */

/** Relays TCP connections from `port` to a target port on 127.0.0.1. */
export class DroppingRelay {
  readonly #listeners: Deno.TcpListener[];
  readonly #targetPort: number;
  readonly #connections = new Set<Deno.TcpConn>();
  #resumed: PromiseWithResolvers<void> | undefined;

  private constructor(listeners: Deno.TcpListener[], targetPort: number) {
    this.#listeners = listeners;
    this.#targetPort = targetPort;
    for (const listener of listeners) this.#acceptLoop(listener);
  }

  /** Starts relaying from a free loopback port (IPv4, and IPv6 where available) to `targetPort`. */
  static start(targetPort: number): DroppingRelay {
    const v4 = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    return new DroppingRelay([v4, ...listenIpv6(v4.addr.port)], targetPort);
  }

  /** The port clients connect to. */
  get port(): number {
    return this.#listeners[0].addr.port;
  }

  /** Whether bytes are currently held back. */
  get stalled(): boolean {
    return this.#resumed !== undefined;
  }

  /** Holds back every byte in both directions, on open and new connections, until `resume()`. */
  stall(): void {
    this.#resumed ??= Promise.withResolvers();
  }

  /** Lets held-back bytes flow again, like a link coming back before TCP gives up. */
  resume(): void {
    this.#resumed?.resolve();
    this.#resumed = undefined;
  }

  /** Closes every open connection at the TCP level: peers see the stream end with no close frame. */
  dropAll(): void {
    for (const conn of this.#connections) closeQuietly(conn);
    this.#connections.clear();
  }

  /** Stops listening and drops every connection. */
  close(): void {
    this.#listeners.forEach(closeQuietly);
    this.resume();
    this.dropAll();
  }

  async #acceptLoop(listener: Deno.TcpListener): Promise<void> {
    try {
      for await (const client of listener) this.#relay(client);
    } catch {
      // The listener was closed.
    }
  }

  async #relay(client: Deno.TcpConn): Promise<void> {
    this.#connections.add(client);
    const upstream = await Deno.connect({ hostname: "127.0.0.1", port: this.#targetPort }).catch(() => null);
    if (!upstream) return this.#forget(client);
    this.#connections.add(upstream);
    await Promise.allSettled([this.#pump(client, upstream), this.#pump(upstream, client)]);
  }

  async #pump(from: Deno.TcpConn, to: Deno.TcpConn): Promise<void> {
    const buffer = new Uint8Array(64 * 1024);
    try {
      for (let n = await from.read(buffer); n !== null; n = await from.read(buffer)) {
        while (this.#resumed) await this.#resumed.promise;
        await writeAll(to, buffer.subarray(0, n));
      }
    } finally {
      // One side ending ends the pair, as a TCP proxy would.
      this.#forget(from);
      this.#forget(to);
    }
  }

  #forget(conn: Deno.TcpConn): void {
    if (this.#connections.delete(conn)) closeQuietly(conn);
  }
}

// Where hosts map `localhost` to ::1 as well, clients may try it first.
function listenIpv6(port: number): Deno.TcpListener[] {
  try {
    return [Deno.listen({ hostname: "::1", port })];
  } catch {
    return [];
  }
}

async function writeAll(conn: Deno.TcpConn, bytes: Uint8Array): Promise<void> {
  for (let written = 0; written < bytes.length;) written += await conn.write(bytes.subarray(written));
}

function closeQuietly(closer: { close(): void }): void {
  try {
    closer.close();
  } catch {
    // Already closed.
  }
}

/**
 * A loopback TCP relay in front of a server. It exists so a test can make links half-open: a WebSocket
 * server answers pings and close frames by itself, so only below it can a link go truly silent.
 */
export class GatewayRelay {
  readonly #listener: Deno.TcpListener;
  readonly #targetPort: number;
  readonly #links = new Set<RelayLink>();
  readonly #accepting: Promise<void>;

  private constructor(listener: Deno.TcpListener, targetPort: number) {
    this.#listener = listener;
    this.#targetPort = targetPort;
    this.#accepting = this.#acceptLoop();
  }

  /** Starts relaying a fresh loopback port to `targetPort`. */
  static start(targetPort: number): GatewayRelay {
    return new GatewayRelay(Deno.listen({ hostname: "127.0.0.1", port: 0 }), targetPort);
  }

  /** The port clients connect to. */
  get port(): number {
    return this.#listener.addr.port;
  }

  /** Stops moving bytes on every current link while keeping both TCP connections open. */
  freezeAll(): void {
    for (const link of this.#links) link.frozen = true;
  }

  /** Closes the listener and every link. */
  async close(): Promise<void> {
    this.#listener.close();
    for (const link of this.#links) link.close();
    await this.#accepting;
  }

  async #acceptLoop(): Promise<void> {
    for await (const client of this.#listener) {
      const upstream = await Deno.connect({ hostname: "127.0.0.1", port: this.#targetPort }).catch(() =>
        null
      );
      if (!upstream) {
        client.close();
        continue;
      }
      const link = new RelayLink(client, upstream);
      this.#links.add(link);
      link.done.then(() => this.#links.delete(link));
    }
  }
}

class RelayLink {
  frozen = false;
  readonly done: Promise<unknown>;
  readonly #ends: Deno.Conn[];
  #closed = false;

  constructor(client: Deno.Conn, upstream: Deno.Conn) {
    this.#ends = [client, upstream];
    this.done = Promise.all([this.#pump(client, upstream), this.#pump(upstream, client)]);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const end of this.#ends) end.close();
  }

  async #pump(from: Deno.Conn, to: Deno.Conn): Promise<void> {
    const buffer = new Uint8Array(64 * 1024);
    try {
      while (true) {
        const n = await from.read(buffer);
        // A frozen link stops reading altogether, so the peer's bytes pile up unanswered like on a dead route.
        if (n === null || this.frozen) break;
        await writeAll(to, buffer.subarray(0, n));
      }
    } catch {
      // A reset on either end just ends the link.
    }
    if (!this.frozen) this.close();
  }
}

async function writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  let written = 0;
  while (written < bytes.length) written += await conn.write(bytes.subarray(written));
}

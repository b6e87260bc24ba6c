import { GatewayConnection, Op } from "./gateway_connection.ts";
import { GatewayRelay } from "./gateway_relay.ts";
import { type GatewayPayload, GatewaySession } from "./gateway_session.ts";
import { Recorder } from "./recorder.ts";

/** Intents Discord only grants to bots that enabled them: guild members, presences, message content. */
const PRIVILEGED_INTENTS = (1 << 1) | (1 << 8) | (1 << 15);

/** Below about 1017 ms Discordeno's send budget drops to zero and it hangs, so the fake refuses less. */
const MIN_HEARTBEAT_INTERVAL_MS = 1500;

/** What a fake gateway needs to know from the rest of the fake Discord. */
export interface FakeGatewayOptions {
  /** The bot token identify and resume must carry (with or without the "Bot " prefix). */
  readonly token: string;
  /** Sent in Hello; Discord sends 41250. */
  readonly heartbeatIntervalMs?: number;
  /** Intents an identify may ask for; others get close 4014. Default: all but the privileged ones. */
  readonly allowedIntents?: number;
  /** The dispatches that follow a successful identify: READY, then GUILD_CREATE. */
  readonly readyEvents: (sessionId: string, resumeGatewayUrl: string) => [string, unknown][];
  /** A Voice State Update (op 4) from an identified session. */
  readonly onVoiceStateUpdate: (session: GatewaySession, d: Record<string, unknown>) => void;
}

/** One attempt to open a gateway connection. */
export interface ConnectionAttempt {
  readonly at: number;
  readonly accepted: boolean;
  readonly query: string;
}

/** A Discord gateway (v10, JSON, no compression) on a loopback port. */
export class FakeGateway {
  /** Every upgrade request, refused ones included. */
  readonly connectionAttempts: Recorder<ConnectionAttempt> = new Recorder();
  /** Every payload the clients sent, in order. */
  readonly received: Recorder<GatewayPayload> = new Recorder();
  /** Every identify's `d`, once accepted or refused. */
  readonly identifies: Recorder<Record<string, unknown>> = new Recorder();
  readonly #options: FakeGatewayOptions;
  readonly #server: Deno.HttpServer<Deno.NetAddr>;
  readonly #relay: GatewayRelay;
  readonly #connections = new Set<GatewayConnection>();
  #sessions: GatewaySession[] = [];
  #away = false;

  private constructor(options: FakeGatewayOptions) {
    this.#options = options;
    this.#server = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen: () => {} },
      (request) => this.#upgrade(request),
    );
    this.#relay = GatewayRelay.start(this.#server.addr.port);
  }

  /** Starts the gateway; clients connect to `url`. */
  static start(options: FakeGatewayOptions): FakeGateway {
    const interval = options.heartbeatIntervalMs ?? 41250;
    if (interval < MIN_HEARTBEAT_INTERVAL_MS) {
      throw new Error(`Heartbeat interval ${interval} ms is below ${MIN_HEARTBEAT_INTERVAL_MS} ms`);
    }
    return new FakeGateway(options);
  }

  /** The URL to give the bot (Discordeno appends `?v=10&encoding=json`). */
  get url(): string {
    return `ws://127.0.0.1:${this.#relay.port}`;
  }

  /** Open, answering connections. */
  get liveConnections(): number {
    return [...this.#connections].filter((connection) => connection.live).length;
  }

  /** Dispatches an event to every current session (kept for replay if its link is down). */
  dispatch(t: string, d: unknown): void {
    for (const session of this.#sessions) session.dispatch(t, d);
  }

  /** Closes every connection with `code`, as Discord does on restarts (4000) or errors. */
  closeAll(code: number, reason = "Closed by the test"): void {
    for (const connection of this.#connections) connection.close(code, reason);
  }

  /** Makes every current link half-open: nothing is read or answered, heartbeats included, nothing closes. */
  goHalfOpen(): void {
    for (const connection of this.#connections) connection.frozen = true;
    this.#relay.freezeAll();
  }

  /** Refuses new connections (HTTP 503 to the upgrade), like an outage; attempts are still counted. */
  goAway(): void {
    this.#away = true;
  }

  /** Accepts connections again. */
  comeBack(): void {
    this.#away = false;
  }

  /** Closes every connection and stops listening. */
  async close(): Promise<void> {
    this.closeAll(1001, "Shutting down");
    await this.#relay.close();
    await this.#server.shutdown();
  }

  #upgrade(request: Request): Response {
    const query = new URL(request.url).search;
    this.connectionAttempts.push({ at: Date.now(), accepted: !this.#away, query });
    if (this.#away) return new Response("Service Unavailable", { status: 503 });
    if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") {
      return new Response("Expected a WebSocket upgrade", { status: 426 });
    }
    const { socket, response } = Deno.upgradeWebSocket(request);
    const params = new URLSearchParams(query);
    const connection = new GatewayConnection(socket, this.#hooks, (opened) => {
      if (params.get("v") !== "10") return opened.close(4012, "Invalid API version.");
      if (params.get("encoding") !== "json") return opened.close(4002, "Error while decoding payload.");
      opened.send({ op: Op.Hello, d: { heartbeat_interval: this.#options.heartbeatIntervalMs ?? 41250 } });
    });
    this.#connections.add(connection);
    return response;
  }

  readonly #hooks = {
    received: (_connection: GatewayConnection, payload: GatewayPayload) => this.received.push(payload),
    closed: (connection: GatewayConnection) => this.#connections.delete(connection),
    identify: (connection: GatewayConnection, d: Record<string, unknown>) => this.#identify(connection, d),
    resume: (connection: GatewayConnection, d: Record<string, unknown>) => this.#resume(connection, d),
    voiceStateUpdate: (connection: GatewayConnection, d: Record<string, unknown>) => {
      if (connection.session) this.#options.onVoiceStateUpdate(connection.session, d);
    },
  };

  #identify(connection: GatewayConnection, d: Record<string, unknown>): void {
    this.identifies.push(d);
    if (!this.#tokenMatches(d.token)) return connection.close(4004, "Authentication failed.");
    const shard = d.shard as number[] | undefined;
    if (shard && (shard[0] !== 0 || shard[1] !== 1)) return connection.close(4010, "Invalid shard.");
    const intents = Number(d.intents);
    if (!Number.isInteger(intents) || intents < 0) return connection.close(4013, "Invalid intent(s).");
    const allowed = this.#options.allowedIntents ?? ~PRIVILEGED_INTENTS;
    if ((intents & ~allowed) !== 0) return connection.close(4014, "Disallowed intent(s).");
    // One shard, one session: a new identify ends the previous session for good.
    for (const old of this.#sessions) old.invalid = true;
    const session = new GatewaySession();
    this.#sessions = [session];
    connection.session = session;
    session.attach(connection);
    for (const [t, payload] of this.#options.readyEvents(session.id, this.url)) session.dispatch(t, payload);
  }

  #resume(connection: GatewayConnection, d: Record<string, unknown>): void {
    if (!this.#tokenMatches(d.token)) return connection.close(4004, "Authentication failed.");
    const session = this.#sessions.find((candidate) => candidate.id === d.session_id);
    if (!session) return connection.send({ op: Op.InvalidSession, d: false });
    const sequence = Number(d.seq);
    if (!Number.isInteger(sequence) || sequence > session.sequence) {
      return connection.close(4007, "Invalid seq.");
    }
    connection.session = session;
    session.attach(connection, sequence);
    session.dispatch("RESUMED", null);
  }

  #tokenMatches(token: unknown): boolean {
    return token === this.#options.token || token === `Bot ${this.#options.token}`;
  }
}

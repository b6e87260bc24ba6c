/**
 * Takes over the parts of one Discordeno shard that fail in production: what happens after a close, and
 * heartbeating. Discordeno 21 reconnects at once and forever (a storm during an outage), throws from an
 * event handler on fatal codes (an unhandled rejection), and waits forever for a half-open socket to
 * close. Four instance methods are replaced; Discordeno keeps the protocol itself (identify, resume,
 * dispatch, send queues). Reconnecting goes through `shard.resume()`, which identifies when no session
 * is left to resume.
 */
import {
  type DiscordenoShard,
  type DiscordGatewayPayload,
  ShardSocketCloseCodes,
  ShardState,
} from "discordeno";
import { type CloseAction, closeAction, fatalCloseMessage } from "./gateway_close_codes.ts";
import { type LinkVerdict, LinkWatch, SILENCE_INTERVALS } from "./link_watch.ts";
import { type BackoffOptions, DEFAULT_BACKOFF, ReconnectBackoff } from "./reconnect_backoff.ts";

const HEARTBEAT_ACK = 11;
const HEARTBEAT = 1;

/** What a takeover reports to, and its clocks. */
export interface TakeoverOptions {
  /** Discord refused the bot for good; `message` says why, for the operator. */
  readonly onFatal: (message: string) => void;
  /** One line per reconnect attempt, one per recovery. */
  readonly log: (line: string) => void;
  /** Hears each reconnect attempt (for metrics). */
  readonly onReconnect?: () => void;
  readonly backoff?: BackoffOptions;
  /** How often the link is checked and heartbeats are sent. */
  readonly tickMs?: number;
  readonly now?: () => number;
}

/** One shard under the bot's own reconnect and heartbeat logic. */
export class ShardTakeover {
  readonly #shard: DiscordenoShard;
  readonly #options: TakeoverOptions;
  readonly #watch = new LinkWatch();
  readonly #backoff: ReconnectBackoff;
  readonly #now: () => number;
  #ticker: ReturnType<typeof setInterval> | undefined;
  #retry: ReturnType<typeof setTimeout> | undefined;
  #stopped = false;

  constructor(shard: DiscordenoShard, options: TakeoverOptions) {
    this.#shard = shard;
    this.#options = options;
    this.#backoff = new ReconnectBackoff(options.backoff ?? DEFAULT_BACKOFF);
    this.#now = options.now ?? Date.now;
    this.#install();
  }

  /** The shard opens a socket (Discordeno's `connecting` event). */
  connecting(): void {
    if (this.#stopped) return;
    this.#watch.connecting(this.#now());
    this.#ticker ??= setInterval(() => this.#tick(), this.#options.tickMs ?? 250);
  }

  /** No more reconnects or heartbeats; the socket, if any, is left for the caller to close. */
  stop(): void {
    this.#stopped = true;
    clearInterval(this.#ticker);
    clearTimeout(this.#retry);
    this.#ticker = this.#retry = undefined;
    this.#watch.idle();
  }

  /** Drops the socket without waiting for a close handshake that a dead link never completes. */
  abandonSocket(): void {
    const socket = this.#shard.socket;
    this.#shard.socket = undefined;
    this.#shard.stopHeartbeating();
    // A Discordeno call waiting for this close stays parked: the takeover drives what happens next.
    this.#shard.resolveAfterClose = undefined;
    if (!socket) return;
    Object.assign(socket, { onopen: null, onmessage: null, onclose: null, onerror: null });
    if (socket.readyState <= WebSocket.OPEN) {
      socket.close(ShardSocketCloseCodes.ZombiedConnection, "No answer");
    }
  }

  #install(): void {
    const shard = this.#shard;
    const discordenoClose = shard.handleClose.bind(shard);
    const discordenoPacket = shard.handleDiscordPacket.bind(shard);
    shard.handleClose = (close) => this.#closed(close, discordenoClose);
    shard.handleDiscordPacket = (packet) => {
      this.#received(packet);
      return discordenoPacket(packet);
    };
    shard.startHeartbeating = (intervalMs) => this.#startHeartbeating(intervalMs);
    // The close that always follows an error gets one log line with its retry; Discordeno logged both.
    shard.handleError = () => {};
  }

  async #closed(close: CloseEvent, discordenoClose: (close: CloseEvent) => Promise<void>): Promise<void> {
    this.#watch.idle();
    const action = this.#actionFor(close);
    if (action === "internal") return await discordenoClose(close);
    this.#release(close);
    if (action === "stop") return;
    if (action === "fatal") {
      this.stop();
      this.#shard.state = ShardState.Offline;
      return this.#options.onFatal(fatalCloseMessage(close.code, close.reason));
    }
    // Discord ended the session: resume() identifies afresh when it finds no session id.
    if (action === "identify") this.#forgetSession();
    const failed = close.code === 0 || close.code === 1006;
    this.#scheduleReconnect(failed ? `no connection, code ${close.code}` : `closed with code ${close.code}`);
  }

  #actionFor(close: CloseEvent): CloseAction | "stop" {
    if (this.#stopped) return "stop";
    // Discordeno closed this socket itself and is waiting to carry on (re-identify, resume on op 7).
    if (this.#shard.resolveAfterClose) return "internal";
    return closeAction(close.code);
  }

  /** The cleanup Discordeno's own close handler does before deciding (compression is off here). */
  #release(close: CloseEvent): void {
    this.#shard.socket = undefined;
    this.#shard.stopHeartbeating();
    this.#shard.state = this.#stopped ? ShardState.Offline : ShardState.Disconnected;
    this.#shard.resolveAfterClose?.(close);
  }

  #forgetSession(): void {
    this.#shard.sessionId = undefined;
    // A new session starts at the main gateway URL, not at the old session's resume URL.
    this.#shard.resumeGatewayUrl = "";
  }

  #received(packet: DiscordGatewayPayload): void {
    const now = this.#now();
    if (packet.op === HEARTBEAT_ACK) this.#watch.acked(now);
    else this.#watch.traffic(now);
    if (packet.t === "READY" || packet.t === "RESUMED") this.#recovered(packet.t);
  }

  #recovered(event: "READY" | "RESUMED"): void {
    const attempts = this.#backoff.attempts;
    this.#backoff.reset();
    if (attempts === 0) return;
    const how = event === "RESUMED" ? "resumed its session" : "started a new session";
    this.#options.log(`Discord gateway ${how} after ${attempts} reconnect attempt(s).`);
  }

  #startHeartbeating(intervalMs: number): void {
    this.#shard.stopHeartbeating();
    this.#shard.heart.interval = intervalMs;
    // Discord asks for the first heartbeat after a random part of the interval.
    this.#watch.hello(this.#now(), intervalMs, Math.ceil(intervalMs * (Math.random() || 0.5)));
  }

  #tick(): void {
    const now = this.#now();
    const verdict = this.#watch.verdict(now);
    if (verdict !== "alive") return this.#halfOpen(verdict);
    if (this.#watch.beatDue(now)) this.#beat(now);
  }

  #beat(now: number): void {
    const shard = this.#shard;
    if (!shard.isOpen()) return;
    // Straight to the socket, as Discordeno does: heartbeats must not wait in the send queue.
    shard.socket?.send(JSON.stringify({ op: HEARTBEAT, d: shard.previousSequenceNumber }));
    shard.heart.lastBeat = now;
    shard.heart.acknowledged = false;
    this.#watch.beatSent(now);
  }

  #halfOpen(verdict: LinkVerdict): void {
    this.#watch.idle();
    this.abandonSocket();
    this.#shard.state = ShardState.Disconnected;
    const seconds = (ms: number) => (ms / 1000).toFixed(1);
    const interval = this.#watch.intervalMs;
    this.#scheduleReconnect(
      verdict === "missed_ack"
        ? `no heartbeat ACK within ${seconds(interval)} s`
        : `no traffic for ${seconds(interval * SILENCE_INTERVALS)} s`,
    );
  }

  #scheduleReconnect(why: string): void {
    if (this.#stopped || this.#retry !== undefined) return;
    const { attempt, delayMs } = this.#backoff.next();
    this.#options.onReconnect?.();
    const how = this.#shard.sessionId ? "resuming" : "identifying";
    this.#options.log(
      `Discord gateway connection lost (${why}); ${how} in ${
        (delayMs / 1000).toFixed(1)
      } s (attempt ${attempt}).`,
    );
    this.#retry = setTimeout(() => {
      this.#retry = undefined;
      this.#reconnect();
    }, delayMs);
  }

  #reconnect(): void {
    if (this.#stopped) return;
    // Each attempt either reaches READY/RESUMED or ends in a close that schedules the next one.
    this.#shard.resume().catch((error) => {
      this.#options.log(
        `Discord gateway reconnect failed: ${error instanceof Error ? error.message : error}`,
      );
      this.#scheduleReconnect("the attempt failed");
    });
  }
}

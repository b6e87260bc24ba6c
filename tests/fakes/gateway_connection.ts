import type { GatewayPayload, GatewaySession } from "./gateway_session.ts";

/** Gateway opcodes the fake speaks. */
export const Op = {
  Dispatch: 0,
  Heartbeat: 1,
  Identify: 2,
  PresenceUpdate: 3,
  VoiceStateUpdate: 4,
  Resume: 6,
  Reconnect: 7,
  RequestGuildMembers: 8,
  InvalidSession: 9,
  Hello: 10,
  HeartbeatAck: 11,
} as const;

/** What the gateway decides for the payloads that need more than one connection's view. */
export interface ConnectionHooks {
  identify(connection: GatewayConnection, d: Record<string, unknown>): void;
  resume(connection: GatewayConnection, d: Record<string, unknown>): void;
  voiceStateUpdate(connection: GatewayConnection, d: Record<string, unknown>): void;
  received(connection: GatewayConnection, payload: GatewayPayload): void;
  closed(connection: GatewayConnection): void;
}

/** One WebSocket connection to the fake gateway. */
export class GatewayConnection {
  session: GatewaySession | null = null;
  /** Half-open: the link is silent both ways, but nobody closed it. */
  frozen = false;
  readonly #socket: WebSocket;
  readonly #hooks: ConnectionHooks;

  constructor(socket: WebSocket, hooks: ConnectionHooks, onOpen: (connection: GatewayConnection) => void) {
    this.#socket = socket;
    this.#hooks = hooks;
    socket.onopen = () => onOpen(this);
    socket.onmessage = (event) => this.#receive(event.data);
    socket.onclose = () => this.#closed();
    // The peer vanishing is an ordinary event for this fake; onclose follows.
    socket.onerror = (event) => event.preventDefault();
  }

  /** Whether the socket is open and answering. */
  get live(): boolean {
    return !this.frozen && this.#socket.readyState === WebSocket.OPEN;
  }

  /** Sends a payload unless the link is frozen or closed; like Discord, `s` and `t` are null when unset. */
  send(payload: GatewayPayload): void {
    if (this.live) this.#socket.send(JSON.stringify({ s: null, t: null, ...payload }));
  }

  /** Closes with a gateway close code, as Discord does on errors. */
  close(code: number, reason: string): void {
    if (this.#socket.readyState === WebSocket.OPEN) this.#socket.close(code, reason);
  }

  #receive(data: unknown): void {
    if (this.frozen) return;
    let payload: GatewayPayload;
    try {
      payload = JSON.parse(String(data));
    } catch {
      return this.close(4002, "Error while decoding payload.");
    }
    this.#hooks.received(this, payload);
    this.#handle(payload);
  }

  #handle(payload: GatewayPayload): void {
    const d = (payload.d ?? {}) as Record<string, unknown>;
    switch (payload.op) {
      case Op.Heartbeat:
        return this.send({ op: Op.HeartbeatAck, d: null });
      case Op.Identify:
        if (this.session) return this.close(4005, "Already authenticated.");
        return this.#hooks.identify(this, d);
      case Op.Resume:
        if (this.session) return this.close(4005, "Already authenticated.");
        return this.#hooks.resume(this, d);
      case Op.VoiceStateUpdate:
        if (!this.session) return this.close(4003, "Not authenticated.");
        return this.#hooks.voiceStateUpdate(this, d);
      case Op.PresenceUpdate:
      case Op.RequestGuildMembers:
        if (!this.session) return this.close(4003, "Not authenticated.");
        return;
      default:
        return this.close(4001, "Unknown opcode.");
    }
  }

  #closed(): void {
    this.session?.detach(this);
    this.#hooks.closed(this);
  }
}

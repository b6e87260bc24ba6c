/** A gateway payload as it travels on the wire. */
export interface GatewayPayload {
  readonly op: number;
  readonly d: unknown;
  readonly s?: number | null;
  readonly t?: string | null;
}

/** Where a session's dispatches go while it has a live connection. */
export interface PayloadSink {
  send(payload: GatewayPayload): void;
}

/** One identified gateway session: its sequence numbers and the dispatches a resume replays. */
export class GatewaySession {
  readonly id: string = crypto.randomUUID().replaceAll("-", "");
  /** Replaced by a newer identify: no longer resumable and no longer sent anything. */
  invalid = false;
  #sink: PayloadSink | null = null;
  #sequence = 0;
  readonly #history: GatewayPayload[] = [];

  /** The last sequence number handed out. */
  get sequence(): number {
    return this.#sequence;
  }

  /** Whether a connection currently carries this session. */
  get attached(): boolean {
    return this.#sink !== null;
  }

  /** Sends future dispatches to `sink`, after replaying those later than `afterSequence` if given. */
  attach(sink: PayloadSink, afterSequence?: number): void {
    this.#sink = sink;
    if (afterSequence === undefined) return;
    for (const payload of this.#history) {
      if ((payload.s ?? 0) > afterSequence) sink.send(payload);
    }
  }

  /** Stops sending to `sink`; dispatches are still numbered and kept for a resume. */
  detach(sink: PayloadSink): void {
    if (this.#sink === sink) this.#sink = null;
  }

  /** Numbers a dispatch, keeps it for replay and sends it if a connection is attached. */
  dispatch(t: string, d: unknown): void {
    if (this.invalid) return;
    const payload = { op: 0, t, s: ++this.#sequence, d };
    this.#history.push(payload);
    this.#sink?.send(payload);
  }
}

/**
 * The voice server's DAVE calls, one per voice channel: which call each voice connection belongs to, the
 * in-process listeners, and what each listener makes of the frames a client sends.
 *
 * A voice connection is bound to its user's membership while it is that user's latest. A resumed connection
 * takes the membership over; a new session (a restarted client) replaces it at once; a connection that ended
 * without a goodbye keeps it for a grace period, as Discord waits for a resume before counting a user gone.
 */
import { DaveCall, type DaveMember } from "./dave_call.ts";
import type { DaveExternalSender } from "./dave_external_sender.ts";
import { DaveOp } from "./dave_frames.ts";
import { DaveListener, type E2eeOutcome } from "./dave_listener.ts";

const RESUME_GRACE_MS = 5_000;
const NORMAL_CLOSURE = 1000;

/** A voice connection as the calls see it: an object to tell connections apart, and where messages go. */
export interface DaveConnection {
  readonly key: object;
  readonly userId: string;
  sendJson(op: number, d: Record<string, unknown>): void;
  sendBinary(op: number, payload: Uint8Array): void;
}

/** Every DAVE call of one fake voice server. */
export class DaveCalls {
  readonly #calls = new Map<string, DaveCall>();
  readonly #listeners = new Map<string, DaveListener>();
  /** The connection each user's membership is bound to. */
  readonly #bound = new Map<string, object>();
  readonly #graceTimers = new Set<ReturnType<typeof setTimeout>>();

  constructor(private readonly sender: DaveExternalSender, private readonly onChange: () => void) {}

  /** The call in `channelId`, once anyone joined it. */
  call(channelId: string): DaveCall | undefined {
    return this.#calls.get(channelId);
  }

  /** A listener (a DAVE member with its own davey session) joins the call in `channelId`. */
  addListener(userId: string, channelId: string): DaveListener {
    const listener = new DaveListener(userId, channelId);
    const call = this.#callIn(channelId);
    this.#listeners.set(userId, listener);
    listener.attach(call);
    call.connect(listener);
    return listener;
  }

  /** A listener leaves its call. */
  removeListener(userId: string): void {
    const listener = this.#listeners.get(userId);
    if (!listener) return;
    this.#listeners.delete(userId);
    this.#calls.get(listener.channelId)?.disconnect(userId);
    listener.close();
  }

  /** The listeners in a call, in the order they joined. */
  listeners(channelId: string): DaveListener[] {
    return [...this.#listeners.values()].filter((listener) => listener.channelId === channelId);
  }

  /** A client got its session description: it joins the call in `channelId`, replacing an older session. */
  joined(connection: DaveConnection, channelId: string): void {
    this.#callOf(connection.userId)?.disconnect(connection.userId);
    this.#bound.set(connection.userId, connection.key);
    this.#callIn(channelId).connect(this.#member(connection));
  }

  /** A client resumed on a new connection: its membership moves there unchanged. */
  resumed(connection: DaveConnection): void {
    if (!this.#bound.has(connection.userId)) return;
    this.#bound.set(connection.userId, connection.key);
    this.#callOf(connection.userId)?.rebind(this.#member(connection));
  }

  /** A client's connection ended with `closeCode` (1006 for no close frame). */
  closed(connection: DaveConnection, closeCode: number): void {
    const { userId, key } = connection;
    if (this.#bound.get(userId) !== key) return;
    const leave = () => {
      if (this.#bound.get(userId) !== key) return;
      this.#bound.delete(userId);
      this.#callOf(userId)?.disconnect(userId);
    };
    if (closeCode === NORMAL_CLOSURE) return leave();
    const timer = setTimeout(() => {
      this.#graceTimers.delete(timer);
      leave();
    }, RESUME_GRACE_MS);
    this.#graceTimers.add(timer);
  }

  /** A DAVE message from a client: binary ops 26 and 28, JSON ops 23 and 31. */
  received(connection: DaveConnection, op: number, data: Uint8Array | Record<string, unknown>): void {
    const { userId, key } = connection;
    const call = this.#bound.get(userId) === key ? this.#callOf(userId) : undefined;
    if (!call) return;
    const transitionId = () => (data as { transition_id: number }).transition_id;
    if (op === DaveOp.KeyPackage) call.keyPackage(userId, data as Uint8Array);
    else if (op === DaveOp.CommitWelcome) call.commitWelcome(userId, data as Uint8Array);
    else if (op === DaveOp.TransitionReady) call.transitionReady(userId, transitionId());
    else if (op === DaveOp.InvalidCommitWelcome) call.invalidCommitWelcome(userId, transitionId());
  }

  /** Every listener in the sender's call hears `opus`; the result is what the first listener made of it. */
  listen(senderId: string, opus: Uint8Array): { e2ee: E2eeOutcome; opus: Uint8Array } {
    const call = this.#callOf(senderId);
    const heard = (call ? this.listeners(call.channelId) : []).map((listener) =>
      listener.receive(opus, senderId)
    );
    if (heard.length > 0) return { e2ee: heard[0].outcome, opus: heard[0].opus };
    const marked = opus.length > 2 && opus.at(-1) === 0xfa && opus.at(-2) === 0xfa;
    return { e2ee: marked ? "undecryptable" : "passthrough", opus };
  }

  /** Stops timers and listeners. */
  close(): void {
    for (const timer of this.#graceTimers) clearTimeout(timer);
    for (const call of this.#calls.values()) call.close();
    for (const listener of this.#listeners.values()) listener.close();
  }

  #callOf(userId: string): DaveCall | undefined {
    for (const call of this.#calls.values()) if (call.has(userId)) return call;
    return undefined;
  }

  #callIn(channelId: string): DaveCall {
    let call = this.#calls.get(channelId);
    if (!call) {
      call = new DaveCall(channelId, this.sender, this.onChange);
      this.#calls.set(channelId, call);
    }
    return call;
  }

  // Messages to a connection that is no longer the user's latest are dropped, as its socket is gone.
  #member(connection: DaveConnection): DaveMember {
    const current = () => this.#bound.get(connection.userId) === connection.key;
    return {
      userId: connection.userId,
      sendJson: (op, d) => current() && connection.sendJson(op, d),
      sendBinary: (op, payload) => current() && connection.sendBinary(op, payload),
    };
  }
}

/**
 * No audio in the clear into an end-to-end encrypted call. @discordjs/voice sends plain Opus whenever its
 * DAVE session is not ready (just after joining, after a reconnect that made a new session, while a broken
 * group is rebuilt), and listeners' clients drop or could overhear it. The gate keeps the audio player
 * subscribed to the connection only while what it sends would be encrypted (or the call has no DAVE at all);
 * unsubscribed, the player pauses itself and holds its place. A bounded wait keeps a call whose encryption
 * never settles from staying silent forever.
 */
import {
  type AudioPlayer,
  NetworkingStatusCode,
  type PlayerSubscription,
  type VoiceConnection,
  VoiceConnectionStatus,
} from "@discordjs/voice";

/** Where a connection's end-to-end encryption stands. */
export type E2eeState =
  /** Not connected: nothing can be sent. */
  | "offline"
  /** The voice server asked for no DAVE: transport encryption only. */
  | "transport-only"
  /** In an MLS group: every frame is end-to-end encrypted. */
  | "encrypted"
  /** DAVE is on but the group is not formed (yet): frames would go out in the clear. */
  | "pending";

/** The E2EE state of `connection` now. */
export function e2eeState(connection: VoiceConnection): E2eeState {
  const state = connection.state;
  if (state.status !== VoiceConnectionStatus.Ready) return "offline";
  const networking = state.networking.state;
  if (networking.code !== NetworkingStatusCode.Ready) return "offline";
  const dave = networking.dave;
  if (!dave || dave.protocolVersion === 0) return "transport-only";
  return dave.session?.ready && !dave.reinitializing ? "encrypted" : "pending";
}

/** How long audio waits for encryption to settle before it plays anyway. */
export const E2EE_WAIT_MS = 5_000;
// davey reports no event when its group forms or is reset, so the gate also looks on a short timer.
const CHECK_INTERVAL_MS = 20;

type GateState =
  | { status: "closed"; since: number }
  | { status: "open" | "forced"; subscription: PlayerSubscription | undefined }
  | { status: "stopped" };

/** Subscribes a player to a connection only while its audio would be end-to-end encrypted. */
export class E2eeGate {
  #state: GateState = { status: "closed", since: Date.now() };
  readonly #timer: ReturnType<typeof setInterval>;
  readonly #check = () => this.#update();
  #updating = false;

  constructor(
    private readonly connection: VoiceConnection,
    private readonly player: AudioPlayer,
    /** Called when the wait ran out and audio plays although the call is not encrypted. */
    private readonly onWaitExpired: () => void = () => {},
    private readonly waitMs = E2EE_WAIT_MS,
  ) {
    // Checked synchronously on every state change: a reconnect must not let one plain frame out first.
    connection.on("stateChange", this.#check);
    connection.on("transitioned", this.#check);
    this.#timer = setInterval(this.#check, CHECK_INTERVAL_MS);
    this.#update();
  }

  /** Whether audio may flow now. */
  get open(): boolean {
    return this.#state.status === "open" || this.#state.status === "forced";
  }

  /** Lets go of the connection (it is being destroyed or replaced). */
  stop(): void {
    if (this.#state.status === "stopped") return;
    this.#set({ status: "stopped" });
    clearInterval(this.#timer);
    this.connection.off("stateChange", this.#check);
    this.connection.off("transitioned", this.#check);
  }

  #update(): void {
    // Subscribing changes the connection's state, which calls this again.
    if (this.#updating) return;
    this.#updating = true;
    try {
      this.#step();
    } finally {
      this.#updating = false;
    }
  }

  #step(): void {
    const status = this.#state.status;
    if (status === "stopped") return;
    if (this.connection.state.status === VoiceConnectionStatus.Destroyed) return this.stop();
    const e2ee = e2eeState(this.connection);
    if (e2ee === "encrypted" || e2ee === "transport-only") {
      if (status === "forced") this.#set({ ...this.#state, status: "open" });
      else if (status === "closed") this.#set({ status: "open", subscription: this.#subscribe() });
    } else if (e2ee === "offline" || status === "open") {
      // The wait is for encryption, not for the connection: it starts once the connection is up again.
      this.#set({ status: "closed", since: Date.now() });
    } else if (status === "closed" && Date.now() - this.#state.since >= this.waitMs) {
      this.#set({ status: "forced", subscription: this.#subscribe() });
      this.onWaitExpired();
    }
  }

  #subscribe(): PlayerSubscription | undefined {
    return this.connection.subscribe(this.player);
  }

  // The one place the state changes: closing or stopping lets go of the subscription.
  #set(next: GateState): void {
    const previous = this.#state;
    const subscribed = previous.status === "open" || previous.status === "forced";
    if (subscribed && (next.status === "closed" || next.status === "stopped")) {
      previous.subscription?.unsubscribe();
    }
    this.#state = next;
  }
}

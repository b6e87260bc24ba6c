/**
 * A listener in a DAVE call: a member of the MLS group holding its own @snazzah/davey session, joining by
 * welcome and decrypting the frames another member sends, as a Discord client in the channel would.
 */
import { Buffer } from "node:buffer";
import davey from "@snazzah/davey";
import type { DaveMember } from "./dave_call.ts";
import { concatBytes } from "./dave_frames.ts";
import { isSilenceFrame } from "./voice_rtp.ts";

/** How a frame reached a listener. */
export type E2eeOutcome = "encrypted" | "passthrough" | "undecryptable";

/** One frame as a listener received it. */
export interface ListenedFrame {
  readonly outcome: E2eeOutcome;
  /** The Opus packet after decryption (the frame itself when it came in the clear or would not decrypt). */
  readonly opus: Uint8Array;
  /** Whether the listener was in an established group: it could decrypt, so a plain frame was a leak. */
  readonly inGroup: boolean;
  /** The group epoch the listener was in. */
  readonly epoch: bigint | null;
  readonly receivedAt: number;
}

// DAVE's supplemental data ends every encrypted media frame with this magic marker.
const MAGIC_MARKER = 0xfafa;
// davey's MediaType.AUDIO; its const enums cannot be read from an isolated module.
const AUDIO = 0 as davey.MediaType;

/** What the call offers a member to answer with. */
export interface DaveCallSide {
  keyPackage(userId: string, keyPackage: Uint8Array): void;
  commitWelcome(userId: string, payload: Uint8Array): void;
  transitionReady(userId: string, transitionId: number): void;
  invalidCommitWelcome(userId: string, transitionId: number): void;
}

/** A DAVE member that lives in the fake server's process. */
export class DaveListener implements DaveMember {
  readonly frames: ListenedFrame[] = [];
  /** Transition ids this listener executed, in order (0 for a fresh group it was welcomed into). */
  readonly executed: number[] = [];
  readonly #session: davey.DAVESession;
  readonly #known = new Set<string>();
  /** Proposals this member refused, with davey's reason. */
  readonly refusedProposals: string[] = [];
  #call?: DaveCallSide;

  constructor(readonly userId: string, readonly channelId: string) {
    this.#session = new davey.DAVESession(1, userId, channelId);
  }

  /** Whether the listener can decrypt: it is in a group. */
  get ready(): boolean {
    return this.#session.ready;
  }

  get epoch(): bigint | null {
    return this.#session.epoch;
  }

  /** The voice privacy code the listener's client would show. */
  get voicePrivacyCode(): string {
    return this.#session.voicePrivacyCode;
  }

  /** User ids in the listener's group. */
  groupUserIds(): string[] {
    return this.#session.getUserIds();
  }

  /** Joins `call`: from now on the call's messages reach this listener. */
  attach(call: DaveCallSide): void {
    this.#call = call;
  }

  /** Reads one frame sent by `senderId`: decrypts it if it carries DAVE's marker. */
  receive(frame: Uint8Array, senderId: string): ListenedFrame {
    const listened = this.#read(frame, senderId);
    if (!isSilenceFrame(frame)) this.frames.push(listened);
    return listened;
  }

  /** Encrypts an Opus frame as this member would send it (plain until it is in a group). */
  encrypt(opus: Uint8Array): Uint8Array {
    if (!this.#session.ready) return opus;
    return new Uint8Array(this.#session.encryptOpus(Buffer.from(opus)));
  }

  sendJson(op: number, d: Record<string, unknown>): void {
    // Answers go back on a later turn, as they would over a socket: the call is never re-entered.
    setTimeout(() => this.#onJson(op, d), 0);
  }

  sendBinary(op: number, payload: Uint8Array): void {
    setTimeout(() => this.#onBinary(op, payload), 0);
  }

  /** Leaves the call: the session is reset. */
  close(): void {
    this.#call = undefined;
    this.#session.reset();
  }

  #read(frame: Uint8Array, senderId: string): ListenedFrame {
    const base = { inGroup: this.#session.ready, epoch: this.#session.epoch, receivedAt: Date.now() };
    const marked = frame.length > 2 &&
      (frame[frame.length - 2] << 8 | frame[frame.length - 1]) === MAGIC_MARKER;
    if (!marked) return { ...base, outcome: "passthrough", opus: frame };
    try {
      const opus = this.#session.decrypt(senderId, AUDIO, Buffer.from(frame));
      return { ...base, outcome: "encrypted", opus: new Uint8Array(opus) };
    } catch {
      return { ...base, outcome: "undecryptable", opus: frame };
    }
  }

  #onJson(op: number, d: Record<string, unknown>): void {
    const call = this.#call;
    if (!call) return;
    switch (op) {
      case 11:
        for (const id of d.user_ids as string[]) this.#known.add(id);
        return;
      case 13:
        this.#known.delete(d.user_id as string);
        return;
      case 21:
        if (d.transition_id === 0) this.executed.push(0);
        else call.transitionReady(this.userId, d.transition_id as number);
        return;
      case 22:
        this.executed.push(d.transition_id as number);
        return;
      case 24:
        if (d.epoch === 1) {
          this.#session.reinit(1, this.userId, this.channelId);
          call.keyPackage(this.userId, new Uint8Array(this.#session.getSerializedKeyPackage()));
        }
        return;
    }
  }

  #onBinary(op: number, payload: Uint8Array): void {
    const call = this.#call;
    if (!call) return;
    const buffer = Buffer.from(payload);
    switch (op) {
      case 25:
        this.#session.setExternalSender(buffer);
        call.keyPackage(this.userId, new Uint8Array(this.#session.getSerializedKeyPackage()));
        return;
      case 27: {
        // A proposal can name a member who already left (it joined and went within a moment): a client
        // refuses it and waits for the next one, as davey does; the call must not die of it.
        let answer: ReturnType<davey.DAVESession["processProposals"]>;
        try {
          answer = this.#session.processProposals(
            payload[0] as davey.ProposalsOperationType,
            buffer.subarray(1),
            [...this.#known],
          );
        } catch (error) {
          this.refusedProposals.push(error instanceof Error ? error.message : String(error));
          return;
        }
        const { commit, welcome } = answer;
        if (commit) call.commitWelcome(this.userId, concatBytes(commit, welcome ?? new Uint8Array()));
        return;
      }
      case 29:
      case 30: {
        const transitionId = buffer.readUInt16BE(0);
        try {
          if (op === 29) this.#session.processCommit(buffer.subarray(2));
          else this.#session.processWelcome(buffer.subarray(2));
        } catch {
          call.invalidCommitWelcome(this.userId, transitionId);
          this.#session.reinit(1, this.userId, this.channelId);
          call.keyPackage(this.userId, new Uint8Array(this.#session.getSerializedKeyPackage()));
          return;
        }
        if (transitionId === 0) this.executed.push(0);
        else call.transitionReady(this.userId, transitionId);
        return;
      }
    }
  }
}

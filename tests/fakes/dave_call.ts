/**
 * One voice channel's DAVE call, run the way Discord's voice server runs it (discord/dave-protocol,
 * protocol version 1): it announces who is connected, hands out the external sender package, turns key
 * packages into Add proposals and departures into Remove proposals, takes the first commit of each epoch as
 * the winner, announces it with its transition, sends welcomes, and executes the transition once every member
 * is ready. A member left alone is told to start a new group (prepare_epoch).
 */
import { type DaveExternalSender, type ReadCommit } from "./dave_external_sender.ts";
import { concatBytes, DaveOp, mlsVector, ProposalsOperation, withTransitionId } from "./dave_frames.ts";

/** A participant as the server sees it: where its messages go. */
export interface DaveMember {
  readonly userId: string;
  sendJson(op: number, d: Record<string, unknown>): void;
  sendBinary(op: number, payload: Uint8Array): void;
}

/** One commit the server announced. */
export interface AnnouncedCommit {
  readonly transitionId: number;
  readonly committer: string;
  /** The epoch the commit starts. */
  readonly epoch: bigint;
  readonly added: string[];
  readonly removed: string[];
}

type Pending = { kind: "add"; userId: string } | { kind: "remove"; userId: string };

type Participant = {
  member: DaveMember;
  /** connected: no key package yet; waiting: proposed, awaits a welcome; grouped: in the MLS group. */
  status: "connected" | "waiting" | "grouped";
  keyPackage?: Uint8Array;
};

type Transition = { id: number; awaiting: Set<string>; timer: ReturnType<typeof setTimeout> };

// Discord executes a transition without members that do not answer; a short wait keeps tests quick.
const TRANSITION_TIMEOUT_MS = 2_000;

/** The DAVE side of one call. */
export class DaveCall {
  /** Every commit announced, in order. */
  readonly commits: AnnouncedCommit[] = [];
  /** Commits that lost the race for their epoch, or came for an old one. */
  ignoredCommits = 0;
  readonly #participants = new Map<string, Participant>();
  /** Leaf index → user, as the group's tree has them; null for a blank leaf. */
  #leaves: (string | null)[] = [];
  #epoch = 0n;
  #pending = new Map<string, Pending>();
  #transition?: Transition;
  #nextTransitionId = 1;
  #work: Promise<void> = Promise.resolve();
  /** Members whose key packages are not proposed for now: they wait outside the group. */
  readonly #keptOut = new Set<string>();
  readonly #changed: () => void;

  constructor(
    readonly channelId: string,
    readonly sender: DaveExternalSender,
    onChange: () => void = () => {},
  ) {
    this.#changed = onChange;
  }

  /** The epoch of the group (0 while only a creator's pending group exists). */
  get epoch(): bigint {
    return this.#epoch;
  }

  /** Users in the MLS group, by leaf. */
  get groupUserIds(): string[] {
    return this.#leaves.filter((user): user is string => user !== null);
  }

  /** Whether a commit's transition is still being executed. */
  get transitioning(): boolean {
    return this.#transition !== undefined;
  }

  /** Whether `userId` is connected to the call. */
  has(userId: string): boolean {
    return this.#participants.has(userId);
  }

  /** Keeps `userId` out of the group until `letIn`, as a slow group change would: its DAVE is not ready. */
  keepOut(userId: string): void {
    this.#keptOut.add(userId);
  }

  /** Lets a member kept out join the group. */
  letIn(userId: string): void {
    this.#keptOut.delete(userId);
    this.#queue(() => this.#reconcile());
  }

  /** A member connected: everyone learns of it, and it gets the others' ids and the external sender. */
  connect(member: DaveMember): void {
    const others = [...this.#participants.keys()];
    this.#participants.set(member.userId, { member, status: "connected" });
    for (const other of this.#others(member.userId)) {
      other.member.sendJson(DaveOp.ClientsConnect, { user_ids: [member.userId] });
    }
    if (others.length > 0) member.sendJson(DaveOp.ClientsConnect, { user_ids: others });
    member.sendBinary(DaveOp.ExternalSenderPackage, this.sender.package());
    this.#changed();
  }

  /** The same member on a new connection (a resumed session): its group state is unchanged. */
  rebind(member: DaveMember): void {
    const participant = this.#participants.get(member.userId);
    if (participant) participant.member = member;
  }

  /** A member left (or its session ended): the others are told, and it is removed from the group. */
  disconnect(userId: string): void {
    if (!this.#participants.delete(userId)) return;
    for (const other of this.#participants.values()) {
      other.member.sendJson(DaveOp.ClientDisconnect, { user_id: userId });
    }
    this.#transition?.awaiting.delete(userId);
    this.#queue(() => this.#reconcile());
  }

  keyPackage(userId: string, keyPackage: Uint8Array): void {
    const participant = this.#participants.get(userId);
    if (!participant) return;
    // A fresh key package means a fresh session: whatever the member had in the group is gone.
    participant.keyPackage = keyPackage;
    participant.status = "connected";
    this.#queue(() => this.#reconcile());
  }

  commitWelcome(userId: string, payload: Uint8Array): void {
    this.#queue(() => this.#onCommit(userId, payload));
  }

  transitionReady(userId: string, transitionId: number): void {
    const transition = this.#transition;
    if (!transition || transition.id !== transitionId) return;
    transition.awaiting.delete(userId);
    if (transition.awaiting.size === 0) this.#execute();
  }

  invalidCommitWelcome(userId: string, _transitionId: number): void {
    // The member resets and sends a new key package; its old leaf is removed when that arrives.
    const participant = this.#participants.get(userId);
    if (participant) participant.status = "connected";
    this.#transition?.awaiting.delete(userId);
    if (this.#transition?.awaiting.size === 0) this.#execute();
  }

  /** Stops timers. */
  close(): void {
    if (this.#transition) clearTimeout(this.#transition.timer);
    this.#transition = undefined;
  }

  // Proposals are signed asynchronously: one piece of work at a time keeps the epoch and leaves consistent.
  #queue(work: () => Promise<void> | void): void {
    this.#work = this.#work.then(work).catch((error) => console.error("DAVE fake voice server:", error))
      .finally(() => this.#changed());
  }

  #others(userId: string): Participant[] {
    return [...this.#participants.entries()].filter(([id]) => id !== userId).map(([, p]) => p);
  }

  #grouped(): Participant[] {
    return [...this.#participants.values()].filter((p) => p.status === "grouped");
  }

  /** Brings the group in line with who is connected: proposes what is missing, restarts a lone member. */
  async #reconcile(): Promise<void> {
    if (this.#transition) return; // Taken up again when the transition executes.
    const inTree = new Set(this.groupUserIds);
    const gone = [...inTree].filter((userId) => this.#participants.get(userId)?.status !== "grouped");
    const ready = [...this.#participants.values()].filter((p) =>
      p.status !== "grouped" && p.keyPackage && !this.#keptOut.has(p.member.userId)
    );
    const grouped = this.#grouped();
    if (grouped.length === 0) {
      const creator = ready[0];
      if (!creator) return;
      // The first member's own pending group (epoch 0, itself at leaf 0) is the group.
      this.#startGroup(creator);
      return await this.#reconcile();
    }
    if (grouped.length === 1 && gone.length > 0) {
      // Alone now: Discord has the last member start a new group rather than commit its own removals.
      const [alone] = grouped;
      this.#leaves = [];
      this.#pending.clear();
      alone.status = "connected";
      alone.keyPackage = undefined;
      alone.member.sendJson(DaveOp.PrepareEpoch, { epoch: 1, protocol_version: 1 });
      alone.member.sendJson(DaveOp.PrepareTransition, { transition_id: 0, protocol_version: 1 });
      return;
    }
    const proposed = new Set([...this.#pending.values()].map((p) => `${p.kind}:${p.userId}`));
    const messages: Uint8Array[] = [];
    for (const userId of gone) {
      if (proposed.has(`remove:${userId}`)) continue;
      const signed = await this.sender.proposeRemove(
        this.channelId,
        this.#epoch,
        this.#leaves.indexOf(userId),
      );
      this.#pending.set(signed.ref, { kind: "remove", userId });
      messages.push(signed.message);
    }
    for (const participant of ready) {
      const userId = participant.member.userId;
      if (participant.status === "waiting" && proposed.has(`add:${userId}`)) continue;
      const signed = await this.sender.proposeAdd(this.channelId, this.#epoch, participant.keyPackage!);
      if (signed.userId !== userId) throw new Error(`Key package of ${signed.userId} sent by ${userId}`);
      this.#pending.set(signed.ref, { kind: "add", userId });
      participant.status = "waiting";
      messages.push(signed.message);
    }
    if (messages.length === 0) return;
    const payload = concatBytes(
      new Uint8Array([ProposalsOperation.Append]),
      mlsVector(concatBytes(...messages)),
    );
    for (const member of this.#grouped()) member.member.sendBinary(DaveOp.Proposals, payload);
  }

  #startGroup(creator: Participant): void {
    creator.status = "grouped";
    this.#leaves = [creator.member.userId];
    this.#epoch = 0n;
    this.#pending.clear();
  }

  #onCommit(userId: string, payload: Uint8Array): void {
    let commit: ReadCommit;
    try {
      commit = this.sender.readCommit(payload);
    } catch {
      this.ignoredCommits++;
      return;
    }
    const committer = this.#participants.get(userId);
    if (this.#transition || commit.epoch !== this.#epoch || committer?.status !== "grouped") {
      this.ignoredCommits++;
      return;
    }
    const proposals = commit.proposalRefs.map((ref) => this.#pending.get(ref));
    if (proposals.some((p) => p === undefined)) {
      this.ignoredCommits++;
      return;
    }
    const removed = proposals.filter((p) => p!.kind === "remove").map((p) => p!.userId);
    const added = proposals.filter((p) => p!.kind === "add").map((p) => p!.userId);
    // RFC 9420 §12.3: removals blank their leaves, then each addition takes the leftmost blank leaf.
    for (const user of removed) this.#leaves[this.#leaves.indexOf(user)] = null;
    for (const user of added) {
      const blank = this.#leaves.indexOf(null);
      if (blank >= 0) this.#leaves[blank] = user;
      else this.#leaves.push(user);
    }
    while (this.#leaves.at(-1) === null) this.#leaves.pop();
    this.#epoch++;
    this.#pending.clear();
    const id = this.#nextTransitionId;
    this.#nextTransitionId = (this.#nextTransitionId % 0xffff) + 1;
    this.commits.push({ transitionId: id, committer: userId, epoch: this.#epoch, added, removed });
    const members = this.#grouped();
    const joiners = added.map((user) => this.#participants.get(user)).filter((p) => p !== undefined);
    const timer = setTimeout(() => this.#execute(), TRANSITION_TIMEOUT_MS);
    const awaiting = new Set([...members, ...joiners].map((p) => p.member.userId));
    this.#transition = { id, awaiting, timer };
    for (const member of members) {
      member.member.sendBinary(DaveOp.AnnounceCommitTransition, withTransitionId(id, commit.commit));
    }
    for (const joiner of joiners) {
      joiner.status = "grouped";
      if (commit.welcome) joiner.member.sendBinary(DaveOp.Welcome, withTransitionId(id, commit.welcome));
    }
  }

  #execute(): void {
    const transition = this.#transition;
    if (!transition) return;
    clearTimeout(transition.timer);
    this.#transition = undefined;
    for (const participant of this.#grouped()) {
      participant.member.sendJson(DaveOp.ExecuteTransition, { transition_id: transition.id });
    }
    this.#queue(() => this.#reconcile());
  }
}

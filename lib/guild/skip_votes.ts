/** The vote to skip the current track: it passes with more than half of the people listening. */

/** Where a vote stands after one more was cast. */
export interface SkipTally {
  passed: boolean;
  /** Votes from people listening now. */
  votes: number;
  /** Votes it takes to pass with the current listeners. */
  needed: number;
}

/** The skip votes of one guild, for its current track only. */
export class SkipVotes {
  #trackId: string | undefined;
  #voters = new Set<string>();

  /** Casts `userId`'s vote against `trackId`; `listenerIds` are the non-bot members in the bot's channel. */
  vote(trackId: string, userId: string, listenerIds: readonly string[]): SkipTally {
    if (trackId !== this.#trackId) this.#startFor(trackId);
    this.#voters.add(userId);
    return this.#tally(listenerIds);
  }

  /** Forgets every vote, e.g. when the track ends or the bot leaves. */
  reset(): void {
    this.#trackId = undefined;
    this.#voters.clear();
  }

  #startFor(trackId: string): void {
    this.reset();
    this.#trackId = trackId;
  }

  #tally(listenerIds: readonly string[]): SkipTally {
    const listeners = new Set(listenerIds);
    // Only people still listening count, on both sides: someone who left neither votes nor needs convincing.
    const votes = [...this.#voters].filter((id) => listeners.has(id)).length;
    const needed = Math.floor(listeners.size / 2) + 1;
    return { passed: votes >= needed, votes, needed };
  }
}

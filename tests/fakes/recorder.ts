/** An append-only list that tests can read directly or wait on. */
export class Recorder<T> {
  readonly #items: T[] = [];
  readonly #waiters = new Set<() => void>();

  /** Everything recorded so far, oldest first. */
  get items(): readonly T[] {
    return this.#items;
  }

  /** Appends an item and wakes every waiter so it can re-check its predicate. */
  push(item: T): void {
    this.#items.push(item);
    for (const wake of [...this.#waiters]) wake();
  }

  /** Resolves with the first item (already recorded or future) matching the predicate. */
  waitFor(predicate: (item: T) => boolean, timeoutMs: number, what = "a matching item"): Promise<T> {
    const found = this.#items.find(predicate);
    if (found !== undefined) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      let checked = this.#items.length;
      const finish = () => {
        clearTimeout(timer);
        this.#waiters.delete(wake);
      };
      const wake = () => {
        const fresh = this.#items.slice(checked);
        checked = this.#items.length;
        const match = fresh.find(predicate);
        if (match === undefined) return;
        finish();
        resolve(match);
      };
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      this.#waiters.add(wake);
    });
  }
}

/** An unbounded async queue: producers `send`, one consumer awaits `receive`. The glue between tasks. */
export class Mailbox<T> {
  #items: T[] = [];
  #waiters: ((item: T | undefined) => void)[] = [];
  #closed = false;

  /** Delivers an item; dropped silently once the mailbox is closed. */
  send(item: T): void {
    if (this.#closed) return;
    const waiter = this.#waiters.shift();
    if (waiter) waiter(item);
    else this.#items.push(item);
  }

  /** The next item, waiting for one if needed; undefined once closed and drained. */
  receive(): Promise<T | undefined> {
    if (this.#items.length > 0) return Promise.resolve(this.#items.shift());
    if (this.#closed) return Promise.resolve(undefined);
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** Ends the stream: waiting receivers get undefined. */
  close(): void {
    this.#closed = true;
    for (const waiter of this.#waiters.splice(0)) waiter(undefined);
  }

  /** Lets a `for await` loop run until the mailbox closes. */
  async *[Symbol.asyncIterator](): AsyncGenerator<T> {
    while (true) {
      const item = await this.receive();
      if (item === undefined) return;
      yield item;
    }
  }
}

/**
 * Keeps the bot's gateway connection alive and ends it cleanly. Give `shardEvents` to Discordeno as
 * `gateway.events`: each shard is taken over (see shard_takeover.ts) the first time it opens a socket,
 * before that socket exists. `shutdown()` closes every shard without waiting on dead links, and clears
 * the 60 s send-bucket timer Discordeno's own shutdown leaves behind.
 */
import {
  type DiscordenoShard,
  type GatewayManager,
  type ShardEvents,
  ShardSocketCloseCodes,
  ShardState,
} from "discordeno";
import type { BackoffOptions } from "./reconnect_backoff.ts";
import { ShardTakeover } from "./shard_takeover.ts";

/** What the guard reports to. */
export interface GatewayGuardOptions {
  /** Discord refused the bot for good (bad token, disallowed intents...); `message` says why. */
  readonly onFatal: (message: string) => void;
  /** Reconnect attempts and recoveries, one line each; console.log by default. */
  readonly log?: (line: string) => void;
  /** Hears each reconnect attempt of any shard (for metrics). */
  readonly onReconnect?: () => void;
  readonly backoff?: BackoffOptions;
  /** How often links are checked and heartbeats sent (ms). */
  readonly tickMs?: number;
}

/** Reconnects with back-off, detects half-open links, stops on fatal closes. */
export class GatewayGuard {
  readonly #options: GatewayGuardOptions;
  readonly #takeovers = new Map<DiscordenoShard, ShardTakeover>();
  #stopped = false;

  /** Shard events for `createBot({ gateway: { events } })`; Discordeno adds its own to this object. */
  readonly shardEvents: ShardEvents = {
    connecting: (shard) => this.#takeoverOf(shard).connecting(),
  };

  constructor(options: GatewayGuardOptions) {
    this.#options = options;
  }

  /** Closes every shard (giving up on a close handshake after `timeoutMs`) and clears leftover timers. */
  async shutdown(gateway: GatewayManager, timeoutMs = 2000): Promise<void> {
    this.#stopped = true;
    for (const takeover of this.#takeovers.values()) takeover.stop();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const givingUp = new Promise((resolve) => timer = setTimeout(resolve, timeoutMs));
    await Promise.race([gateway.shutdown(ShardSocketCloseCodes.Shutdown, "Bot shutting down"), givingUp]);
    clearTimeout(timer);
    for (const shard of gateway.shards.values()) {
      this.#takeovers.get(shard)?.abandonSocket();
      shard.state = ShardState.Offline;
      // The send bucket's 60 s refill timer would keep the process alive; cleared as the bucket itself does.
      clearTimeout(shard.bucket.timeoutId);
      shard.bucket.timeoutId = undefined;
    }
  }

  #takeoverOf(shard: DiscordenoShard): ShardTakeover {
    let takeover = this.#takeovers.get(shard);
    if (!takeover) {
      takeover = new ShardTakeover(shard, {
        onFatal: (message) => this.#fatal(message),
        log: this.#options.log ?? console.log,
        onReconnect: this.#options.onReconnect,
        backoff: this.#options.backoff,
        tickMs: this.#options.tickMs,
      });
      if (this.#stopped) takeover.stop();
      this.#takeovers.set(shard, takeover);
    }
    return takeover;
  }

  #fatal(message: string): void {
    for (const takeover of this.#takeovers.values()) takeover.stop();
    this.#options.onFatal(message);
  }
}

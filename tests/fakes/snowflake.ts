const DISCORD_EPOCH = 1420070400000n;
let increment = 0n;

/** A fresh snowflake id: the current time since Discord's epoch, then a counter so ids never repeat. */
export function nextSnowflake(): string {
  increment = (increment + 1n) % 4096n;
  return String(((BigInt(Date.now()) - DISCORD_EPOCH) << 22n) | increment);
}

/**
 * Looks a key from outside (an option a user sent, a field a tool printed) up in a fixed table, by the
 * table's own properties only: `table["constructor"]` would otherwise find Object's constructor.
 */

/** `table[key]` if the table itself has `key`, else undefined. */
export function ownValue<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

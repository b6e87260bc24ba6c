/** One log entry turned into one line of text or JSON, with secrets blanked out. Pure. */

/** How much is logged: each level includes those before it. */
export const LOG_LEVELS = ["error", "warn", "info", "debug"] as const;
export type LogLevel = typeof LOG_LEVELS[number];

/** `text` for people reading a terminal or journal; `json` for log collectors. */
export const LOG_FORMATS = ["text", "json"] as const;
export type LogFormat = typeof LOG_FORMATS[number];

/** Extra facts of an entry (a guild id, a query), shown as key=value in text and as fields in JSON. */
export type LogFields = Readonly<Record<string, string | number | boolean | undefined>>;

/** What is logged once: when, how bad, the message, and its fields. */
export interface LogEntry {
  readonly time: Date;
  readonly level: LogLevel;
  readonly message: string;
  readonly fields?: LogFields;
}

/** Shown instead of a secret. */
export const REDACTED = "[redacted]";

/**
 * Discord bot tokens have this shape (base64 id, timestamp, HMAC); one that is not the configured token (a
 * second bot's, say) is still blanked.
 */
const TOKEN_SHAPE = /[A-Za-z0-9_-]{23,28}\.[A-Za-z0-9_-]{6,7}\.[A-Za-z0-9_-]{27,}/g;
/** The value after an Authorization header or a `Bot `/`Bearer ` prefix. */
const AUTHORIZATION =
  /\b(Authorization["']?\s*[:=]\s*["']?(?:Bot|Bearer|Basic)?\s*|(?:Bot|Bearer|Basic) )([^\s"',]{20,})/gi;

/** `text` with every secret in `secrets`, anything shaped like a bot token, and authorization values blanked. */
export function redact(text: string, secrets: readonly string[]): string {
  let clean = text;
  for (const secret of secrets) {
    // Short values would blank ordinary words; secrets are long.
    if (secret.length >= 8) clean = clean.split(secret).join(REDACTED);
  }
  return clean.replace(TOKEN_SHAPE, REDACTED).replace(AUTHORIZATION, `$1${REDACTED}`);
}

/** The line for `entry`: `2026-12-07T12:00:00.000Z INFO  message key=value` or one JSON object. */
export function formatLine(entry: LogEntry, format: LogFormat, secrets: readonly string[] = []): string {
  const fields = Object.entries(entry.fields ?? {}).filter(([, value]) => value !== undefined);
  if (format === "json") {
    const object = {
      time: entry.time.toISOString(),
      level: entry.level,
      msg: entry.message,
      ...Object.fromEntries(fields),
    };
    return redact(JSON.stringify(object), secrets.map(jsonEscaped));
  }
  const pairs = fields.map(([key, value]) => ` ${key}=${quoteIfNeeded(String(value))}`).join("");
  return redact(
    `${entry.time.toISOString()} ${entry.level.toUpperCase().padEnd(5)} ${entry.message}${pairs}`,
    secrets,
  );
}

/** A secret as it appears inside a JSON string (quotes and backslashes escaped). */
function jsonEscaped(secret: string): string {
  return JSON.stringify(secret).slice(1, -1);
}

function quoteIfNeeded(value: string): string {
  return /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value);
}

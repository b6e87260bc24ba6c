/**
 * The bot's log: every line with its time and level, at or above the chosen level, in text or JSON, with
 * secrets blanked. `installLogger` routes the existing `console.*` calls through it (error→error,
 * warn→warn, log/info→info, debug→debug), once in the main thread and once in each worker.
 */
import { format } from "node:util";
import { formatLine, LOG_LEVELS, type LogFields, type LogFormat, type LogLevel } from "./log_line.ts";

/** How the log is written; from TRAZOM_LOG_LEVEL and TRAZOM_LOG_FORMAT. */
export interface LogSettings {
  readonly level: LogLevel;
  readonly format: LogFormat;
  /** Values never to be written (the bot token, the Spotify client secret). */
  readonly secrets: readonly string[];
}

/** What a line is written with: the console's own methods, kept before they are replaced. */
type Writer = (level: LogLevel, line: string) => void;

/** Writes log entries that pass the level, formatted and redacted. */
export class Logger {
  #settings: LogSettings = { level: "info", format: "text", secrets: [] };
  #write: Writer;

  constructor(write: Writer) {
    this.#write = write;
  }

  configure(settings: LogSettings): void {
    this.#settings = settings;
  }

  /** Whether entries at `level` are written at all (so costly details can be skipped). */
  enabled(level: LogLevel): boolean {
    return LOG_LEVELS.indexOf(level) <= LOG_LEVELS.indexOf(this.#settings.level);
  }

  error(message: string, fields?: LogFields): void {
    this.write("error", message, fields);
  }

  warn(message: string, fields?: LogFields): void {
    this.write("warn", message, fields);
  }

  info(message: string, fields?: LogFields): void {
    this.write("info", message, fields);
  }

  debug(message: string, fields?: LogFields): void {
    this.write("debug", message, fields);
  }

  write(level: LogLevel, message: string, fields?: LogFields): void {
    if (!this.enabled(level)) return;
    const { format, secrets } = this.#settings;
    this.#write(level, formatLine({ time: new Date(), level, message, fields }, format, secrets));
  }
}

const originalConsole = {
  error: console.error.bind(console),
  log: console.log.bind(console),
};

/** The one log of this thread (the main thread and each worker have their own). */
export const log = new Logger((level, line) => {
  // Problems go to stderr, the rest to stdout, as before.
  if (level === "error" || level === "warn") originalConsole.error(line);
  else originalConsole.log(line);
});

/** Applies `settings` and sends every console call of this thread through the log. */
export function installLogger(settings: LogSettings): void {
  log.configure(settings);
  const route = (level: LogLevel) => (...args: unknown[]) => {
    if (log.enabled(level)) log.write(level, format(...args));
  };
  console.error = route("error");
  console.warn = route("warn");
  console.log = route("info");
  console.info = route("info");
  console.debug = route("debug");
}

/** Worker settings that also carry how to log, so each worker logs like the main thread. */
export type WithLog<Settings> = Settings & { readonly log: LogSettings };

/** A worker's setup that installs the log before building its handler from the settings. */
export function loggingSetup<Settings, Handler>(
  setup: (settings: Settings) => Handler,
): (settings: WithLog<Settings>) => Handler {
  return (settings) => {
    installLogger(settings.log);
    return setup(settings);
  };
}

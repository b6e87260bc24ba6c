/**
 * Every guild's session: created the first time music is asked for there (bringing back what was saved),
 * each with its auto-leave, and forgotten once the bot has left the guild's voice and nothing happened for
 * a while, so nothing per guild stays in memory for good.
 *
 * The restore is a barrier for every intent: a session is handed out only once its saved music is applied,
 * so nothing a command does (a /play, a /mode, a /clear) can be overwritten by a restore landing after it.
 */
import type { Clock } from "../clock.ts";
import type { AudioOutput, OutputListener } from "./audio_output.ts";
import { AutoLeave, realTimers, type Timers } from "./auto_leave.ts";
import { GuildSession, type SavedMusic } from "./guild_session.ts";
import type { Preparer } from "./preparation.ts";
import type { QueueCaps } from "../limits/queue_limits.ts";
import type { Resolver } from "./resolver_port.ts";
import { SegmentSkipper } from "./segment_skipper.ts";
import type { SessionEvent } from "./session_events.ts";

/** What the sessions are built from; main.ts supplies the voice side, the tests fakes. */
export interface SessionsParts {
  createOutput(guildId: string, listener: OutputListener): AudioOutput;
  preparer: Preparer;
  resolver: Resolver;
  prefetch: number;
  queueCaps: QueueCaps;
  clock: Clock;
  /** Grace periods before leaving an empty channel or an empty queue. */
  leaveAfterMs: { alone: number; idle: number };
  /** How long a session is kept after the bot left voice with nothing going on. */
  forgetAfterMs: number;
  /** How many people (not bots) are in a voice channel. */
  listenersIn(guildId: string, channelId: string): number;
  /** The saved music of a guild, read when its session is created. */
  load(guildId: string): Promise<SavedMusic | undefined>;
  /** Hears every session's events: the announcer, the state keeper, metrics. */
  onEvent(session: GuildSession, event: SessionEvent): void;
  /** A session was forgotten (its state is saved). */
  onForget?(guildId: string): void;
  timers?: Timers;
}

interface Entry {
  session: GuildSession;
  autoLeave: AutoLeave;
  /** Jumps over the non-music parts of what plays. */
  skipper: SegmentSkipper;
  forgetTimer?: ReturnType<Timers["set"]>;
}

/** Guild id → session. */
export class GuildSessions {
  /** Sessions whose saved music is applied: the only ones anybody may use. */
  #entries = new Map<string, Entry>();
  /** Sessions being restored, shared by everyone who asks for them meanwhile. */
  #restoring = new Map<string, Promise<Entry>>();
  #closed = false;
  readonly #timers: Timers;

  constructor(private readonly parts: SessionsParts) {
    this.#timers = parts.timers ?? realTimers;
  }

  /** The guild's session if it has one that is restored; one still being restored is nobody's yet. */
  get(guildId: string): GuildSession | undefined {
    return this.#entries.get(guildId)?.session;
  }

  /** The guild's session, created (without joining voice) and restored from saved state if it has none. */
  async obtain(guildId: string): Promise<GuildSession> {
    const entry = this.#entries.get(guildId) ?? await this.#restored(guildId, () => this.parts.load(guildId));
    return entry.session;
  }

  /**
   * After a restart: brings a guild's music back if something was playing and people are still listening
   * there, and with 24/7 on goes back to its channel whoever is there and whether or not anything played.
   * Guilds with nothing to resume get no session until music is asked for.
   */
  async rejoin(guildId: string): Promise<void> {
    if (this.#entries.has(guildId) || this.#restoring.has(guildId)) return;
    const saved = await this.parts.load(guildId);
    const stayIn = saved?.settings.stay ? saved.settings.stayChannelId : undefined;
    const channelId = saved?.playback?.voiceChannelId ?? stayIn;
    if (!channelId || (!stayIn && this.parts.listenersIn(guildId, channelId) === 0)) return;
    // A /play while the state was read made a session of its own, which restored itself.
    const entry = this.#entries.get(guildId) ?? await this.#restored(guildId, () => Promise.resolve(saved));
    const { session } = entry;
    const resumed = await session.continuePlayback();
    if (!resumed && stayIn && !session.channelId) await session.join(stayIn);
  }

  /** Someone joined or left a voice channel in `guildId`: the bot may now be alone, or no longer. */
  voiceChanged(guildId: string): void {
    const entry = this.#entries.get(guildId);
    const channelId = entry?.session.channelId;
    if (!entry || !channelId) return;
    entry.autoLeave.listenersChanged(this.parts.listenersIn(guildId, channelId));
  }

  all(): GuildSession[] {
    return [...this.#entries.values()].map((entry) => entry.session);
  }

  /** How many sessions are held: memory stays bounded by the guilds with recent music. */
  get size(): number {
    return this.#entries.size;
  }

  /** Closes every session; those still being restored are closed as their restore lands. */
  closeAll(): void {
    this.#closed = true;
    for (const entry of this.#entries.values()) this.#drop(entry);
    this.#entries.clear();
  }

  /** The guild's session once restored: the one being restored, or a new one restored from `load`. */
  #restored(guildId: string, load: () => Promise<SavedMusic | undefined>): Promise<Entry> {
    let restoring = this.#restoring.get(guildId);
    if (!restoring) {
      restoring = this.#create(guildId, load()).finally(() => this.#restoring.delete(guildId));
      this.#restoring.set(guildId, restoring);
    }
    return restoring;
  }

  async #create(guildId: string, saved: Promise<SavedMusic | undefined>): Promise<Entry> {
    if (this.#closed) throw new Error("The bot is shutting down.");
    const { createOutput, preparer, resolver, prefetch, queueCaps, clock } = this.parts;
    const autoLeave = new AutoLeave(this.parts.leaveAfterMs, (reason) => session.leave(reason), this.#timers);
    const session: GuildSession = new GuildSession({
      guildId,
      createOutput: (listener) => createOutput(guildId, listener),
      preparer,
      resolver,
      prefetch,
      queueCaps,
      clock,
      emit: (event) => this.#onEvent(session, event),
    });
    const entry: Entry = { session, autoLeave, skipper: new SegmentSkipper(session, this.#timers) };
    await session.restore(saved);
    if (this.#closed) {
      this.#drop(entry);
      throw new Error("The bot is shutting down.");
    }
    this.#entries.set(guildId, entry);
    // A restored 24/7 setting holds from the start, not only from the session's next event.
    this.#followStay(entry);
    this.#forgetLater(entry);
    return entry;
  }

  #onEvent(session: GuildSession, event: SessionEvent): void {
    const entry = this.#entries.get(session.guildId);
    if (entry?.session === session) {
      this.#followStay(entry);
      entry.skipper.changed();
      if (event.kind === "track-started") {
        entry.autoLeave.becameActive();
        this.voiceChanged(session.guildId);
      }
      if (event.kind === "idle" && session.channelId) entry.autoLeave.becameIdle();
      if (event.kind === "left") entry.autoLeave.cancelAll();
      this.#forgetLater(entry);
    }
    this.parts.onEvent(session, event);
  }

  /** Auto-leave follows the session's 24/7 setting; once it is off, being alone or idle counts again. */
  #followStay(entry: Entry): void {
    const { session, autoLeave } = entry;
    if (autoLeave.stay === session.stay) return;
    autoLeave.stay = session.stay;
    if (session.stay || !session.channelId) return;
    this.voiceChanged(session.guildId);
    if (session.status === "idle") autoLeave.becameIdle();
  }

  /** (Re)starts the countdown to forgetting a session that is out of voice with nothing going on. */
  #forgetLater(entry: Entry): void {
    if (entry.forgetTimer !== undefined) this.#timers.clear(entry.forgetTimer);
    entry.forgetTimer = undefined;
    if (entry.session.channelId || entry.session.status !== "idle") return;
    entry.forgetTimer = this.#timers.set(() => {
      entry.forgetTimer = undefined;
      const { session } = entry;
      if (session.channelId || session.status !== "idle" || this.#entries.get(session.guildId) !== entry) {
        return;
      }
      this.#entries.delete(session.guildId);
      this.#drop(entry);
      this.parts.onForget?.(session.guildId);
    }, this.parts.forgetAfterMs);
  }

  #drop(entry: Entry): void {
    entry.autoLeave.cancelAll();
    entry.skipper.close();
    if (entry.forgetTimer !== undefined) this.#timers.clear(entry.forgetTimer);
    entry.session.close();
  }
}

/**
 * A guild session on fakes, for the engine's unit tests: a fake output, a preparer settled by hand, an
 * in-memory resolver that turns a query into a track of that title, and a manual clock.
 */
import { GuildSessions } from "../../../lib/guild/guild_sessions.ts";
import type { GuildSession, SavedMusic } from "../../../lib/guild/guild_session.ts";
import type { SessionEvent } from "../../../lib/guild/session_events.ts";
import type { TrackInfo } from "../../../lib/track.ts";
import { FakeOutput } from "../../fakes/fake_output.ts";
import { FakePreparer } from "../../fakes/fake_preparer.ts";
import type { Resolution, Resolver } from "../../../lib/guild/resolver_port.ts";
import { ManualClock, settle } from "../../fakes/manual_clock.ts";

export const GUILD = "guild-1";
export const [ALICE, BOB] = ["alice", "bob"];
export const [LOUNGE, STAGE] = ["channel-lounge", "channel-stage"];

/** A track the fake resolver gives for `title`. */
export function infoOf(title: string): TrackInfo {
  const videoId = title.replaceAll(/\W/g, "_").padEnd(11, "_").slice(0, 11);
  return {
    source: { kind: "youtube", videoId },
    title,
    url: `https://www.youtube.com/watch?v=${videoId}`,
    durationSeconds: 180,
  };
}

/** Everything a test drives and reads. */
export interface SessionWorld {
  sessions: GuildSessions;
  session: GuildSession;
  output: FakeOutput;
  preparer: FakePreparer;
  clock: ManualClock;
  events: SessionEvent[];
  /** Titles the radio offers for autoplay. */
  radio: string[];
  /** Radio answers wait for this, when set. */
  radioGate: { wait?: Promise<void>; asked: number };
  /** What `load` gives a new session; set before the session is first obtained. */
  saved: { value?: SavedMusic; gate?: Promise<void> };
  /** People in each voice channel. */
  listeners: Map<string, number>;
  /** `/play title` by `requesterId` from `channelId`. */
  play(title: string, requesterId?: string, channelId?: string): ReturnType<GuildSession["play"]>;
  /** The guild's session once restored, created if needed: what a command gets. */
  obtain(): Promise<GuildSession>;
  /**
   * How the fake resolver answers a query: by default a track of that title at once. A test may hold an
   * answer back or fail it (a link that leads nowhere, a resolver that restarted).
   */
  resolveWith: (query: string) => Promise<Resolution>;
  resolver: Resolver;
  /** Timers set by the sessions (auto-leave and forgetting): a test fires them by hand. */
  forgetTimers: (() => void)[];
  close(): void;
}

/** What a world may be built with besides its fakes. */
export interface SessionWorldOptions {
  saved?: SavedMusic;
  gate?: Promise<void>;
  /** Reads saved music instead of `saved` (a real state keeper, say). */
  load?: (guildId: string) => Promise<SavedMusic | undefined>;
  /** Hears every session's events too (a real state keeper, say). */
  onEvent?: (session: GuildSession, event: SessionEvent) => void;
}

/** Builds the world; its session is created on first use. */
export function sessionWorld(options: SessionWorldOptions = {}): SessionWorld {
  const clock = new ManualClock();
  const preparer = new FakePreparer();
  const events: SessionEvent[] = [];
  const radio: string[] = [];
  const listeners = new Map<string, number>([[LOUNGE, 1], [STAGE, 1]]);
  const saved = { value: options.saved, gate: options.gate };
  const answers = {
    resolveWith: (query: string): Promise<Resolution> =>
      Promise.resolve({ outcome: "tracks", tracks: [infoOf(query)] }),
  };
  const radioGate: SessionWorld["radioGate"] = { asked: 0 };
  const resolver: Resolver = {
    resolve: (query) => answers.resolveWith(query),
    radio: async () => {
      radioGate.asked++;
      await radioGate.wait;
      return { outcome: "tracks", tracks: radio.map((title) => infoOf(title)) };
    },
  };
  let output: FakeOutput | undefined;
  const timers: { callback: () => void; cleared: boolean }[] = [];
  const sessions = new GuildSessions({
    createOutput: (_guildId, listener) => (output = new FakeOutput(listener)),
    preparer,
    resolver,
    prefetch: 1,
    queueCaps: { perGuild: 5, perUser: 3 },
    clock,
    leaveAfterMs: { alone: 60_000, idle: 60_000 },
    forgetAfterMs: 600_000,
    listenersIn: (_guildId, channelId) => listeners.get(channelId) ?? 0,
    load: options.load ?? (async () => {
      await saved.gate;
      return saved.value;
    }),
    onEvent: (session, event) => {
      events.push(event);
      options.onEvent?.(session, event);
    },
    timers: {
      set: (callback, ms) => {
        timers.push({ callback: ms === 600_000 ? callback : () => {}, cleared: false });
        return (timers.length - 1) as unknown as ReturnType<typeof setTimeout>;
      },
      clear: (id) => void (timers[id as unknown as number].cleared = true),
    },
  });
  // Obtained on first use, so a test can let a restart's rejoin create it instead.
  const session = () => {
    const restored = sessions.get(GUILD);
    if (!restored) throw new Error("The session is not restored yet: await world.obtain() first.");
    return restored;
  };
  return {
    sessions,
    get session() {
      return session();
    },
    get output() {
      if (!output) throw new Error("No session was created yet: await world.obtain() first.");
      return output;
    },
    obtain: () => sessions.obtain(GUILD),
    get resolveWith() {
      return answers.resolveWith;
    },
    set resolveWith(answer) {
      answers.resolveWith = answer;
    },
    preparer,
    clock,
    events,
    radio,
    radioGate,
    saved,
    listeners,
    resolver,
    get forgetTimers() {
      return timers.filter((timer) => !timer.cleared).map((timer) => timer.callback);
    },
    play: async (title, requesterId = ALICE, channelId = LOUNGE) =>
      await (await sessions.obtain(GUILD)).play({ query: title, requesterId, next: false }, {
        voiceChannelId: channelId,
      }),
    close: () => sessions.closeAll(),
  };
}

/** Waits until `predicate` holds, letting promise callbacks and message ports run in between. */
export async function until(predicate: () => boolean, what: string): Promise<void> {
  for (let round = 0; round < 200; round++) {
    if (predicate()) return;
    await settle();
  }
  throw new Error(`Never happened: ${what}`);
}

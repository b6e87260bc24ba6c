/**
 * A guild session on fakes, for the engine's unit tests: a fake output, a preparer settled by hand, an
 * in-memory resolver that turns a query into a track of that title, and a manual clock.
 */
import { WorkerClient } from "../../../lib/channels/worker_client.ts";
import type { ResolverAnswer, ResolverRequest } from "../../../lib/channels/resolver_messages.ts";
import { GuildSessions } from "../../../lib/guild/guild_sessions.ts";
import type { GuildSession, SavedMusic } from "../../../lib/guild/guild_session.ts";
import type { SessionEvent } from "../../../lib/guild/session_events.ts";
import type { TrackInfo } from "../../../lib/track.ts";
import { FakeOutput } from "../../fakes/fake_output.ts";
import { FakePreparer } from "../../fakes/fake_preparer.ts";
import { inMemoryWorker } from "../../fakes/in_memory_worker.ts";
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
  /** What `load` gives a new session; set before the session is first obtained. */
  saved: { value?: SavedMusic; gate?: Promise<void> };
  /** People in each voice channel. */
  listeners: Map<string, number>;
  /** `/play title` by `requesterId` from `channelId`. */
  play(title: string, requesterId?: string, channelId?: string): ReturnType<GuildSession["play"]>;
  resolver: WorkerClient<ResolverRequest, ResolverAnswer>;
  /** Timers set by the sessions (auto-leave and forgetting): a test fires them by hand. */
  forgetTimers: (() => void)[];
  close(): void;
}

/** Builds the world; its session is created on first use. */
export function sessionWorld(options: { saved?: SavedMusic; gate?: Promise<void> } = {}): SessionWorld {
  const clock = new ManualClock();
  const preparer = new FakePreparer();
  const events: SessionEvent[] = [];
  const radio: string[] = [];
  const listeners = new Map<string, number>([[LOUNGE, 1], [STAGE, 1]]);
  const saved = { value: options.saved, gate: options.gate };
  const resolver = new WorkerClient<ResolverRequest, ResolverAnswer>(
    "resolver",
    () =>
      inMemoryWorker<ResolverRequest, ResolverAnswer>((request) => {
        if (request.kind === "resolve") {
          return Promise.resolve({ outcome: "tracks", tracks: [infoOf(request.query)] });
        }
        if (request.kind === "radio") {
          return Promise.resolve({ outcome: "tracks", tracks: radio.map((title) => infoOf(title)) });
        }
        return Promise.resolve({ outcome: "empty", message: "Nothing." });
      }),
    {},
  );
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
    load: async () => {
      await saved.gate;
      return saved.value;
    },
    onEvent: (_session, event) => events.push(event),
    timers: {
      set: (callback, ms) => {
        timers.push({ callback: ms === 600_000 ? callback : () => {}, cleared: false });
        return (timers.length - 1) as unknown as ReturnType<typeof setTimeout>;
      },
      clear: (id) => void (timers[id as unknown as number].cleared = true),
    },
  });
  // Obtained on first use, so a test can let a restart's rejoin create it instead.
  const session = () => sessions.get(GUILD) ?? sessions.obtain(GUILD);
  return {
    sessions,
    get session() {
      return session();
    },
    get output() {
      session();
      return output!;
    },
    preparer,
    clock,
    events,
    radio,
    saved,
    listeners,
    resolver,
    get forgetTimers() {
      return timers.filter((timer) => !timer.cleared).map((timer) => timer.callback);
    },
    play: (title, requesterId = ALICE, channelId = LOUNGE) =>
      session().play({ query: title, requesterId, next: false }, { voiceChannelId: channelId }),
    close: () => {
      sessions.closeAll();
      resolver.close();
    },
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

import assert from "node:assert/strict";
import { SessionStateKeeper } from "../../../lib/guild/session_state_keeper.ts";
import { GuildStateStore } from "../../../lib/state/guild_state_store.ts";
import type { FairQueueSnapshot } from "../../../lib/queue/queue_snapshot.ts";
import { GUILD, sessionWorld } from "./session_world.ts";

/** A real store whose queue cannot be saved, as when it is too large for one commit. */
class QueueRefusingStore extends GuildStateStore {
  override saveQueue(_guildId: string, _snapshot: FairQueueSnapshot): Promise<void> {
    return Promise.reject(new Error("the queue is too large to save"));
  }
}

Deno.test("a queue that cannot be saved does not keep the playback and settings from being saved", async () => {
  const world = sessionWorld();
  const kv = await Deno.openKv(":memory:");
  const errors: unknown[] = [];
  const originalError = console.error;
  console.error = (...args: unknown[]) => errors.push(args);
  try {
    await world.play("A");
    await world.play("B");
    world.session.setLoop("queue");
    const keeper = new SessionStateKeeper(new QueueRefusingStore(kv, () => {}), world.clock);
    await keeper.save(world.session);
    const saved = await new GuildStateStore(kv).load(GUILD);
    assert.equal(saved.queue, undefined, "the queue was refused");
    assert.equal(saved.playback?.track.title, "A", "what was playing is saved all the same");
    assert.equal(saved.settings.loop, "queue", "so are the settings");
    assert.equal(errors.length, 1, "the refusal is logged once");
  } finally {
    console.error = originalError;
    world.close();
    kv.close();
  }
});

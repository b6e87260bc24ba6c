import assert from "node:assert/strict";
import type { DiscordGuild, DiscordVoiceState } from "discordeno";
import { VoiceStateTracker } from "../../../lib/discord/voice_state_tracker.ts";

const inVoice = (guildId: string, userId: string, channelId: string | null) =>
  ({ guild_id: guildId, user_id: userId, channel_id: channelId }) as unknown as DiscordVoiceState;

Deno.test("voice states follow joins and leaves, per guild", () => {
  const tracker = new VoiceStateTracker();
  tracker.onGuildCreate(
    { id: "g1", voice_states: [{ user_id: "alice", channel_id: "lounge" }] } as unknown as DiscordGuild,
  );
  tracker.onVoiceStateUpdate(inVoice("g1", "bob", "lounge"));
  assert.deepEqual(tracker.listenersIn("g1", "lounge"), ["alice", "bob"]);
  tracker.onVoiceStateUpdate(inVoice("g1", "alice", null));
  assert.deepEqual(tracker.listenersIn("g1", "lounge"), ["bob"]);
});

Deno.test("a guild the bot was removed from is forgotten: nothing of its members stays in memory", () => {
  const tracker = new VoiceStateTracker();
  tracker.onVoiceStateUpdate(inVoice("g1", "alice", "lounge"));
  tracker.onVoiceStateUpdate(inVoice("g2", "bob", "stage"));
  tracker.forgetGuild("g1");
  assert.deepEqual(tracker.guildIds(), ["g2"]);
  assert.equal(tracker.channelOf("g1", "alice"), undefined);
  assert.equal(tracker.channelOf("g2", "bob"), "stage");
});

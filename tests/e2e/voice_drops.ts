/** The ways a voice connection is lost that the bot must come back from, and waiting until it has. */
import type { FakeVoiceServer } from "../fakes/fake_voice_server.ts";

/** A way to lose the bot's voice connection, named for a test step. */
export interface VoiceDrop {
  name: string;
  drop(voice: FakeVoiceServer): void;
}

/** Closed by the voice server with 4015 (it crashed; resume), and cut with no close at all. */
export const VOICE_DROPS: readonly VoiceDrop[] = [
  { name: "the voice server closes with 4015", drop: (voice) => voice.closeVoiceSockets(4015) },
  { name: "the voice connection is cut without a close", drop: (voice) => voice.dropConnections() },
];

/** Drops the connection `drop`'s way and waits until the bot has identified or resumed anew. */
export async function dropAndWaitForReconnect(voice: FakeVoiceServer, drop: VoiceDrop): Promise<void> {
  const sessions = () => voice.identifies.length + voice.resumes.length;
  const before = sessions();
  drop.drop(voice);
  await voice.waitUntil(() => sessions() > before, 30_000, "the voice connection back");
}

/**
 * What one listener does and hears during the benchmark: /play and /stop, and when audio packets arrive at
 * the fake voice server. Times are `performance.now()` milliseconds, the clock packets are stamped with.
 */
import type { TestWorld } from "../e2e/test_world.ts";
import type { FakeInteraction } from "../fakes/fake_interaction.ts";
import type { ReceivedPacket } from "../fakes/fake_voice_server.ts";
import { isSilenceFrame } from "../fakes/voice_rtp.ts";

/** An uncached 3-minute track is resolved, downloaded and normalized before it plays: be generous. */
const FIRST_AUDIO_TIMEOUT_MS = 120_000;
const REPLY_TIMEOUT_MS = 30_000;

/** A /play and the first audio packet it led to. */
export interface Heard {
  /** When /play was sent. */
  readonly sentAt: number;
  readonly first: ReceivedPacket;
}

/** Sends /play and waits for the first audio packet after it; stop whatever played before calling. */
export async function playAndHear(world: TestWorld, url: string): Promise<Heard> {
  const packets = world.voice.packets;
  let scanned = packets.length;
  let first: ReceivedPacket | undefined;
  // Checked on every packet: scan only the new ones, as a minute of audio is 3 000 packets.
  const heard = () => {
    for (; scanned < packets.length && !first; scanned++) {
      if (!isSilenceFrame(packets[scanned].opus)) first = packets[scanned];
    }
    return first !== undefined;
  };
  const sentAt = performance.now();
  const interaction = world.play(url);
  try {
    await world.voice.waitUntil(heard, FIRST_AUDIO_TIMEOUT_MS, `the first audio packet of ${url}`);
    await interaction.waitForMessage(undefined, REPLY_TIMEOUT_MS);
  } catch (error) {
    throw new Error(`${(error as Error).message}; the bot answered: ${answers(interaction)}`);
  }
  return { sentAt, first: first! };
}

/** Queues `url` and waits for the bot's answer, without waiting for any audio. */
export async function enqueue(world: TestWorld, url: string): Promise<void> {
  const interaction = world.play(url);
  try {
    await interaction.waitForMessage(undefined, REPLY_TIMEOUT_MS);
  } catch (error) {
    throw new Error(`${(error as Error).message}; the bot answered: ${answers(interaction)}`);
  }
}

/** /stop as a DJ (it clears the queue too), then waits until no packet has arrived for a while. */
export async function stopAndWaitForQuiet(world: TestWorld): Promise<void> {
  const { guild } = world.discord;
  const interaction = world.discord.sendCommand({
    name: "stop",
    userId: world.alice,
    roles: [guild.djRoleId],
  });
  await interaction.waitForResponse(REPLY_TIMEOUT_MS);
  await waitForQuiet(world, 500);
}

/** Resolves once no packet has arrived for `quietMs`; rejects if packets keep coming for `timeoutMs`. */
export async function waitForQuiet(world: TestWorld, quietMs: number, timeoutMs = 15_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    const last = world.voice.packets.at(-1);
    if (!last || performance.now() - last.arrivalMs >= quietMs) return;
    await sleep(50);
  }
  throw new Error(`Packets were still arriving ${timeoutMs} ms after playback should have stopped`);
}

/** Audio packets (silence frames left out) that arrived from packet index `from` on. */
export function audioSince(world: TestWorld, from: number): ReceivedPacket[] {
  return world.voice.packets.slice(from).filter((packet) => !isSilenceFrame(packet.opus));
}

/** A promise of a pause. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function answers(interaction: FakeInteraction): string {
  const texts = interaction.messages.items.map((message) => JSON.stringify(message.body.content ?? ""));
  return texts.length > 0 ? texts.join(", ") : "nothing";
}

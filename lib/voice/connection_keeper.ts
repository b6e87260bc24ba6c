/**
 * Keeps a voice connection alive through drops, the way @discordjs/voice recommends: a disconnect that
 * does not start reconnecting by itself within a few seconds is rejoined, a bounded number of times.
 */
import { entersState, type VoiceConnection, VoiceConnectionStatus } from "@discordjs/voice";

const RECOVERY_WAIT_MS = 5_000;
const MAX_REJOINS = 5;

/** Installs the reconnect policy on `connection`. */
export function keepConnectionAlive(connection: VoiceConnection): void {
  connection.on(VoiceConnectionStatus.Disconnected, async () => {
    try {
      await Promise.race([
        entersState(connection, VoiceConnectionStatus.Signalling, RECOVERY_WAIT_MS),
        entersState(connection, VoiceConnectionStatus.Connecting, RECOVERY_WAIT_MS),
      ]);
    } catch {
      rejoinOrGiveUp(connection);
    }
  });
}

function rejoinOrGiveUp(connection: VoiceConnection): void {
  if (connection.state.status === VoiceConnectionStatus.Destroyed) return;
  if (connection.rejoinAttempts >= MAX_REJOINS) {
    console.error(`Voice in guild ${connection.joinConfig.guildId}: giving up after ${MAX_REJOINS} rejoins.`);
    connection.destroy();
    return;
  }
  // Back off so a server that refuses us (a TLS error, say) is not hammered in a tight loop.
  const delayMs = 1_000 * 2 ** connection.rejoinAttempts;
  setTimeout(() => {
    if (connection.state.status === VoiceConnectionStatus.Disconnected) connection.rejoin();
  }, delayMs);
}

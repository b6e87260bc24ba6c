/**
 * Keeps a voice connection alive through drops, the way @discordjs/voice recommends: a disconnect that
 * does not start reconnecting by itself within a few seconds is rejoined, a bounded number of times.
 * A 4014 close means someone disconnected or moved the bot: a move reconnects by itself, a kick is final.
 */
import {
  entersState,
  type VoiceConnection,
  VoiceConnectionDisconnectReason,
  VoiceConnectionStatus,
} from "@discordjs/voice";

const RECOVERY_WAIT_MS = 5_000;
const MAX_REJOINS = 5;
const KICKED = 4014;

/** Why the connection was given up. */
export type LostReason = "disconnected" | "unreachable";

const reconnectListeners = new Set<() => void>();

/** Hears every reconnect of every kept connection (for metrics); returns the unsubscribe function. */
export function onVoiceReconnect(listener: () => void): () => void {
  reconnectListeners.add(listener);
  return () => reconnectListeners.delete(listener);
}

/** Installs the reconnect policy on `connection`; `onLost` hears when it gives up for good. */
export function keepConnectionAlive(connection: VoiceConnection, onLost: (reason: LostReason) => void): void {
  // A ready connection that drops is about to be recovered (by @discordjs/voice or below); a kick is not.
  connection.on("stateChange", (before, after) => {
    const kick = after.status === VoiceConnectionStatus.Disconnected &&
      after.reason === VoiceConnectionDisconnectReason.WebSocketClose && after.closeCode === KICKED;
    if (before.status !== VoiceConnectionStatus.Ready || kick) return;
    if (after.status === VoiceConnectionStatus.Ready || after.status === VoiceConnectionStatus.Destroyed) {
      return;
    }
    for (const listener of reconnectListeners) listener();
  });
  connection.on(VoiceConnectionStatus.Disconnected, async (_, state) => {
    const kicked = state.reason === VoiceConnectionDisconnectReason.WebSocketClose &&
      state.closeCode === KICKED;
    try {
      await Promise.race([
        entersState(connection, VoiceConnectionStatus.Signalling, RECOVERY_WAIT_MS),
        entersState(connection, VoiceConnectionStatus.Connecting, RECOVERY_WAIT_MS),
      ]);
    } catch {
      if (kicked) return giveUp(connection, onLost, "disconnected");
      rejoinOrGiveUp(connection, onLost);
    }
  });
}

function rejoinOrGiveUp(connection: VoiceConnection, onLost: (reason: LostReason) => void): void {
  if (connection.state.status === VoiceConnectionStatus.Destroyed) return;
  if (connection.rejoinAttempts >= MAX_REJOINS) {
    console.error(`Voice in guild ${connection.joinConfig.guildId}: giving up after ${MAX_REJOINS} rejoins.`);
    return giveUp(connection, onLost, "unreachable");
  }
  // Back off so a server that refuses us (a TLS error, say) is not hammered in a tight loop.
  const delayMs = 1_000 * 2 ** connection.rejoinAttempts;
  setTimeout(() => {
    if (connection.state.status === VoiceConnectionStatus.Disconnected) connection.rejoin();
  }, delayMs);
}

function giveUp(connection: VoiceConnection, onLost: (reason: LostReason) => void, reason: LostReason): void {
  if (connection.state.status !== VoiceConnectionStatus.Destroyed) connection.destroy();
  onLost(reason);
}

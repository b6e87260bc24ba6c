/**
 * A minimal @discordjs/voice client: joins a fake voice server, plays one Ogg Opus file, and leaves.
 *
 * Usage: `deno run <permissions> voice_client_probe.ts <endpoint> <file.ogg>`, with `DENO_CERT` pointing at the
 * test CA. It prints one JSON line per milestone to stdout and exits non-zero on failure.
 */
import { createReadStream } from "node:fs";
import {
  AudioPlayerStatus,
  createAudioPlayer,
  createAudioResource,
  type DiscordGatewayAdapterCreator,
  entersState,
  joinVoiceChannel,
  StreamType,
  VoiceConnectionStatus,
} from "@discordjs/voice";

const GUILD_ID = "100000000000000001";
const CHANNEL_ID = "100000000000000002";
const USER_ID = "100000000000000003";

/** Answers every voice state request at once, as Discord's main gateway would. */
function instantAdapter(endpoint: string): DiscordGatewayAdapterCreator {
  return (methods) => ({
    sendPayload() {
      // The connection only stores the answers after sendPayload returns.
      queueMicrotask(() => {
        methods.onVoiceStateUpdate({
          session_id: "probe-session",
          channel_id: CHANNEL_ID,
          user_id: USER_ID,
          guild_id: GUILD_ID,
          deaf: false,
          mute: false,
          self_deaf: true,
          self_mute: false,
          self_video: false,
          suppress: false,
          request_to_speak_timestamp: null,
        });
        methods.onVoiceServerUpdate({ token: "probe-token", guild_id: GUILD_ID, endpoint });
      });
      return true;
    },
    destroy() {},
  });
}

function report(event: string, detail: Record<string, unknown> = {}): void {
  console.log(JSON.stringify({ event, ...detail }));
}

async function main([endpoint, file]: string[]): Promise<void> {
  const connection = joinVoiceChannel({
    channelId: CHANNEL_ID,
    guildId: GUILD_ID,
    adapterCreator: instantAdapter(endpoint),
    selfDeaf: true,
  });
  connection.on("error", (error) => report("connection-error", { message: error.message }));
  try {
    await entersState(connection, VoiceConnectionStatus.Ready, 10_000);
    report("ready");
    const player = createAudioPlayer();
    connection.subscribe(player);
    player.play(createAudioResource(createReadStream(file), { inputType: StreamType.OggOpus }));
    await entersState(player, AudioPlayerStatus.Playing, 5_000);
    report("playing");
    await entersState(player, AudioPlayerStatus.Idle, 60_000);
    report("finished");
  } finally {
    connection.destroy();
  }
}

await main(Deno.args);
// Timers of the voice library (UDP keep-alive) can outlive the connection for a moment.
Deno.exit(0);

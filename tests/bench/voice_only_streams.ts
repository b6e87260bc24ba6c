/**
 * The per-stream baseline of the multi-guild benchmark, run as its own process so its CPU time and memory
 * can be read apart: @discordjs/voice alone, without the bot's engine, plays one Ogg Opus file into `count`
 * voice connections of the fake voice server (one per made-up guild), the way a minimal discord.js bot
 * plays pre-encoded files. The voice gateway dance is answered locally: the fake voice server accepts any
 * token and session.
 *
 * Usage: deno run --allow-all voice_only_streams.ts <endpoint> <count> <ogg file>
 * Prints "ready" once every stream has started; plays until killed.
 */
import { createReadStream } from "node:fs";
import {
  AudioPlayerStatus,
  createAudioPlayer,
  createAudioResource,
  type DiscordGatewayAdapterCreator,
  entersState,
  joinVoiceChannel,
  NoSubscriberBehavior,
  StreamType,
  VoiceConnectionStatus,
} from "@discordjs/voice";

const USER_ID = "1300000000000000001";

function adapterFor(guildId: string, channelId: string, endpoint: string): DiscordGatewayAdapterCreator {
  return (methods) => ({
    sendPayload: () => {
      // What Discord answers to a join: the bot's voice state, then a voice server.
      queueMicrotask(() => {
        const session_id = crypto.randomUUID().replaceAll("-", "");
        methods.onVoiceStateUpdate(
          { guild_id: guildId, channel_id: channelId, user_id: USER_ID, session_id } as never,
        );
        methods.onVoiceServerUpdate({ guild_id: guildId, token: "baseline", endpoint } as never);
      });
      return true;
    },
    destroy: () => {},
  });
}

async function startStream(index: number, endpoint: string, oggPath: string): Promise<void> {
  const guildId = String(1300000000000000100n + BigInt(index) * 1000n);
  const channelId = String(BigInt(guildId) + 2n);
  const connection = joinVoiceChannel({
    guildId,
    channelId,
    adapterCreator: adapterFor(guildId, channelId, endpoint),
    selfDeaf: true,
  });
  await entersState(connection, VoiceConnectionStatus.Ready, 30_000);
  const player = createAudioPlayer({ behaviors: { noSubscriber: NoSubscriberBehavior.Play } });
  connection.subscribe(player);
  player.play(createAudioResource(createReadStream(oggPath), { inputType: StreamType.OggOpus }));
  await entersState(player, AudioPlayerStatus.Playing, 30_000);
}

const [endpoint, count, oggPath] = Deno.args;
await Promise.all(Array.from({ length: Number(count) }, (_, i) => startStream(i, endpoint, oggPath)));
console.log("ready");

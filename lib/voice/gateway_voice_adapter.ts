/**
 * Connects @discordjs/voice to Discordeno's gateway: voice needs to send op 4 through the main
 * gateway and to hear the bot's own VOICE_STATE_UPDATE and VOICE_SERVER_UPDATE.
 */
import type { DiscordGatewayAdapterCreator, DiscordGatewayAdapterLibraryMethods } from "@discordjs/voice";

/** Raw gateway data as it arrives, snake_case. */
type VoiceStateData = { guild_id?: string; user_id: string; channel_id: string | null; session_id: string };
type VoiceServerData = { guild_id: string; token: string; endpoint: string | null };

/** One adapter per guild, fed by the raw gateway events the bot routes here. */
export class GatewayVoiceAdapters {
  #byGuild = new Map<string, DiscordGatewayAdapterLibraryMethods>();

  constructor(
    private readonly botUserId: () => string,
    private readonly sendToGateway: (guildId: string, payload: unknown) => void,
  ) {}

  /** The adapterCreator to give joinVoiceChannel for `guildId`. */
  creatorFor(guildId: string): DiscordGatewayAdapterCreator {
    return (methods) => {
      this.#byGuild.set(guildId, methods);
      return {
        sendPayload: (payload) => {
          this.sendToGateway(guildId, payload);
          return true;
        },
        destroy: () => this.#byGuild.delete(guildId),
      };
    };
  }

  /** Passes on the bot's own voice state; other members' states are not voice's business. */
  onVoiceStateUpdate(data: VoiceStateData): void {
    if (data.user_id !== this.botUserId() || !data.guild_id) return;
    this.#byGuild.get(data.guild_id)?.onVoiceStateUpdate(data as never);
  }

  onVoiceServerUpdate(data: VoiceServerData): void {
    this.#byGuild.get(data.guild_id)?.onVoiceServerUpdate(data as never);
  }

  /** The main gateway went away: voice connections must not wait for events that will not come. */
  destroyAll(): void {
    for (const methods of this.#byGuild.values()) methods.destroy();
    this.#byGuild.clear();
  }
}

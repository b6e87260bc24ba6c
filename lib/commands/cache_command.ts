/** /cache: how full the audio cache is and how often it saves a download (DJ only: it is about the box). */
import { ApplicationCommandTypes } from "discordeno";
import type { AudioCache } from "../cache/audio_cache.ts";
import { UserError } from "../user_error.ts";
import type { Command } from "./command.ts";
import type { CommandDeps } from "./command_deps.ts";
import { memberIsDj } from "./control_access.ts";

/** The /cache command. */
export function cacheCommand(deps: CommandDeps, cache: AudioCache): Command {
  return {
    definition: {
      name: "cache",
      description: "Show the audio cache's size and hit rate (DJ)",
      type: ApplicationCommandTypes.ChatInput,
    },
    async run(context) {
      if (!memberIsDj(deps, context)) throw new UserError("Only a DJ can look at the cache.");
      const stats = cache.stats();
      const lookups = stats.hits + stats.misses;
      const hitRate = lookups === 0
        ? "no lookups yet"
        : `${Math.round((100 * stats.hits) / lookups)}% of ${lookups}`;
      await context.reply.sendPrivately({
        content: [
          `**Audio cache**`,
          `Size: ${megabytes(stats.sizeBytes)} of ${megabytes(stats.limitBytes)}`,
          `Files: ${stats.files}`,
          `Hit rate since start: ${hitRate}`,
        ].join("\n"),
      });
    },
  };
}

function megabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

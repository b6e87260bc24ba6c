/** Every slash command and button handler the bot offers, in the order Discord lists them. */
import type { AudioCache } from "../cache/audio_cache.ts";
import type { GuildStateStore } from "../state/guild_state_store.ts";
import type { Command, ComponentHandler } from "./command.ts";
import type { CommandDeps } from "./command_deps.ts";
import { cacheCommand } from "./cache_command.ts";
import { historyCommand } from "./history_command.ts";
import { leaveCommand } from "./leave_command.ts";
import { nowPlayingButtons, nowPlayingCommand } from "./now_playing_command.ts";
import { pauseCommand, resumeCommand } from "./pause_commands.ts";
import { playCommand } from "./play_command.ts";
import { privacyCommand } from "./privacy_command.ts";
import { queueCommand, queuePageButtons } from "./queue_command.ts";
import { clearCommand, moveCommand, removeCommand, shuffleCommand, sortCommand } from "./queue_commands.ts";
import { seekCommand } from "./seek_command.ts";
import { filterCommand, volumeCommand } from "./effects_commands.ts";
import { autoplayCommand, loopCommand, modeCommand } from "./settings_commands.ts";
import { skipCommand } from "./skip_command.ts";
import { stopCommand } from "./stop_command.ts";

/** The slash commands. */
export function allCommands(
  deps: CommandDeps,
  parts: { store: GuildStateStore; cache: AudioCache },
): Command[] {
  return [
    playCommand(deps),
    skipCommand(deps),
    pauseCommand(deps),
    resumeCommand(deps),
    stopCommand(deps),
    leaveCommand(deps),
    queueCommand(deps),
    nowPlayingCommand(deps),
    removeCommand(deps),
    moveCommand(deps),
    shuffleCommand(deps),
    sortCommand(deps),
    clearCommand(deps),
    loopCommand(deps),
    seekCommand(deps),
    volumeCommand(deps),
    filterCommand(deps),
    modeCommand(deps),
    autoplayCommand(deps),
    historyCommand(parts.store),
    cacheCommand(deps, parts.cache),
    privacyCommand(),
  ];
}

/** The handlers of buttons on the bot's messages. */
export function allComponents(deps: CommandDeps): ComponentHandler[] {
  return [nowPlayingButtons(deps), queuePageButtons(deps)];
}

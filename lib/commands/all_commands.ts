/** Every slash command and button handler the bot offers, in the order Discord lists them. */
import type { AudioCache } from "../cache/audio_cache.ts";
import type { GuildStateStore } from "../state/guild_state_store.ts";
import type { Command, ComponentHandler } from "./command.ts";
import type { CommandDeps } from "./command_deps.ts";
import { cacheCommand } from "./cache_command.ts";
import { historyCommand } from "./history_command.ts";
import { likeButton, likedCommand } from "./liked_command.ts";
import { lyricsButtons, lyricsCommand, type LyricsParts } from "./lyrics_command.ts";
import { leaveCommand } from "./leave_command.ts";
import { nowPlayingButtons, nowPlayingCommand } from "./now_playing_command.ts";
import { pauseCommand, resumeCommand } from "./pause_commands.ts";
import { playCommand } from "./play_command.ts";
import { playlistDeleteButtons, playlistPageButtons } from "./playlist_buttons.ts";
import { playlistCommand } from "./playlist_command.ts";
import type { PlaylistDeps } from "./playlist_scope.ts";
import { privacyCommand } from "./privacy_command.ts";
import { queueCommand, queuePageButtons } from "./queue_command.ts";
import { clearCommand, moveCommand, removeCommand, shuffleCommand, sortCommand } from "./queue_commands.ts";
import { seekCommand } from "./seek_command.ts";
import { filterCommand, volumeCommand } from "./effects_commands.ts";
import { autoplayCommand, loopCommand, modeCommand, stayCommand } from "./settings_commands.ts";
import { skipCommand } from "./skip_command.ts";
import { stopCommand } from "./stop_command.ts";

/** The slash commands. */
export function allCommands(
  deps: CommandDeps,
  parts: { store: GuildStateStore; cache: AudioCache; playlists: PlaylistDeps; lyrics: LyricsParts },
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
    lyricsCommand(deps, parts.lyrics),
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
    stayCommand(deps),
    historyCommand(parts.store),
    playlistCommand(deps, parts.playlists),
    likedCommand(parts.playlists),
    cacheCommand(deps, parts.cache),
    privacyCommand(),
  ];
}

/** The handlers of buttons on the bot's messages. */
export function allComponents(
  deps: CommandDeps,
  playlists: PlaylistDeps,
  lyrics: LyricsParts,
): ComponentHandler[] {
  return [
    nowPlayingButtons(deps, lyrics.follower),
    queuePageButtons(deps),
    likeButton(deps, playlists),
    playlistPageButtons(playlists),
    playlistDeleteButtons(deps, playlists),
    lyricsButtons(deps, lyrics),
  ];
}

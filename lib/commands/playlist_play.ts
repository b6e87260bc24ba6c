/**
 * Playing a saved playlist: its tracks join the fair queue as the player's own requests, through the same
 * query task as /play, so queue and per-person caps apply and other people's turns keep coming.
 */
import { enforceRate } from "../limits/rate_limiter.ts";
import type { Playlist, PlaylistTrack } from "../playlists/playlist_model.ts";
import { UserError } from "../user_error.ts";
import type { CommandContext } from "./command.ts";
import type { CommandDeps } from "./command_deps.ts";

/** Queues `playlist` for the person who asked, and replies how many were queued and left out. */
export async function playSaved(
  deps: CommandDeps,
  context: CommandContext,
  playlist: Pick<Playlist, "name" | "list">,
  shuffle: boolean,
): Promise<void> {
  enforceRate(deps.playRate, context.userId);
  if (playlist.list.length === 0) throw new UserError(`"${playlist.name}" has no tracks yet.`);
  const voiceChannelId = deps.voiceStates.channelOf(context.guildId, context.userId);
  if (!voiceChannelId) throw new UserError("Join a voice channel first, then ask me again.");
  const session = await deps.sessions.obtain(context.guildId);
  const elsewhere = session.busyElsewhere(voiceChannelId);
  if (elsewhere) {
    throw new UserError(`I'm already playing in <#${elsewhere}>; join that channel to add songs.`);
  }
  const resolved = shuffle ? shuffled(playlist.list) : playlist.list;
  // Queued before the acknowledgement goes out, so requests queue in the order they arrived.
  const playing = session.play(
    { query: `playlist ${playlist.name}`, requesterId: context.userId, next: false, resolved },
    { voiceChannelId, textChannelId: context.channelId },
  );
  playing.catch(() => {});
  await context.reply.defer();
  const result = await playing;
  const total = playlist.list.length;
  const queued = result.tracks.length;
  const order = shuffle ? ", shuffled" : "";
  const head = queued === total
    ? `Queued ${queued} ${queued === 1 ? "track" : "tracks"} from "${playlist.name}"${order}.`
    : `Queued ${queued} of the ${total} tracks from "${playlist.name}"${order}; ${total - queued} left out.`;
  await context.reply.send({
    content: result.note ? `${head}\n${result.note}` : head,
    allowedMentions: { parse: [] },
  });
}

function shuffled(list: readonly PlaylistTrack[]): PlaylistTrack[] {
  const copy = [...list];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = crypto.getRandomValues(new Uint32Array(1))[0] % (i + 1);
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy;
}

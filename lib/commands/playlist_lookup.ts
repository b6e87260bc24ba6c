/**
 * Turns links and searches into tracks to store, through the resolver worker (which expands playlist and
 * album links): a saved playlist then plays without searching again.
 */
import type { WorkerClient } from "../channels/worker_client.ts";
import type { ResolverAnswer, ResolverRequest } from "../channels/resolver_messages.ts";
import { type PlaylistTrack, storable, toPlaylistTrack } from "../playlists/playlist_model.ts";
import { UserError } from "../user_error.ts";

/** What the lines gave. */
export interface LookedUp {
  tracks: PlaylistTrack[];
  /** Lines that found nothing or failed, for the reply. */
  failed: string[];
  /** The resolver's notes (a playlist link cut at TRAZOM_PLAYLIST_LIMIT, say). */
  notes: string[];
}

/** Resolution can run yt-dlp or page through a Spotify playlist. */
const LOOKUP_TIMEOUT_MS = 60_000;
/** Lines looked up at once: the resolver runs few tools at a time anyway. */
const AT_ONCE = 3;

/** Looks up `lines` in order until `limit` tracks are found. */
export async function lookUpLines(
  resolver: WorkerClient<ResolverRequest, ResolverAnswer>,
  lines: readonly string[],
  limit: number,
): Promise<LookedUp> {
  const found: LookedUp = { tracks: [], failed: [], notes: [] };
  for (let start = 0; start < lines.length && found.tracks.length < limit; start += AT_ONCE) {
    const batch = lines.slice(start, start + AT_ONCE);
    const answers = await Promise.all(batch.map((line) => lookUp(resolver, line)));
    answers.forEach((answer, i) => {
      if (answer === undefined) return void found.failed.push(batch[i]);
      found.tracks.push(...answer.tracks);
      if (answer.note) found.notes.push(answer.note);
    });
  }
  found.tracks = found.tracks.slice(0, limit);
  return found;
}

/** One link or search; a UserError saying why when it found nothing. */
export async function lookUpOne(
  resolver: WorkerClient<ResolverRequest, ResolverAnswer>,
  query: string,
): Promise<{ tracks: PlaylistTrack[]; note?: string }> {
  const answer = await resolver.request({ kind: "resolve", query }, { timeoutMs: LOOKUP_TIMEOUT_MS });
  if (answer.outcome === "failed") {
    throw answer.userFacing ? new UserError(answer.message) : new Error(answer.message);
  }
  if (answer.outcome === "empty") throw new UserError(answer.message);
  if (answer.outcome !== "tracks") throw new Error(`The resolver answered ${answer.outcome} to a lookup`);
  const tracks = answer.tracks.filter(storable).map(toPlaylistTrack);
  if (tracks.length === 0) throw new UserError("That link is too long for me to keep in a playlist.");
  return { tracks, note: answer.note };
}

async function lookUp(
  resolver: WorkerClient<ResolverRequest, ResolverAnswer>,
  line: string,
): Promise<{ tracks: PlaylistTrack[]; note?: string } | undefined> {
  try {
    return await lookUpOne(resolver, line);
  } catch (error) {
    if (!(error instanceof UserError)) console.error(`Looking up a playlist line failed:`, error);
    return undefined;
  }
}

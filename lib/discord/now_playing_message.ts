/** The "now playing" message: the current track, how far along it is, what comes next, and its buttons. */
import { type ButtonComponent, ButtonStyles, MessageComponentTypes } from "discordeno";
import type { LyricLine } from "../lyrics/lyrics.ts";
import { heardSeconds, type SkipSegment } from "../skip_segments.ts";
import type { Track } from "../track.ts";
import type { GuildSession } from "../guild/guild_session.ts";
import { UserError } from "../user_error.ts";
import { escapedWithin, formatDuration, lengthLabel, linkableUrl, LIVE_LABEL } from "./format.ts";
import type { ReplyBody } from "./interaction_reply.ts";

/** The custom ids of the now-playing buttons, for the interaction router. */
export const CONTROL_IDS = {
  pause: "np:pause",
  resume: "np:resume",
  skip: "np:skip",
  stop: "np:stop",
} as const;

/** The ♥ button's custom id: it names the track the card shows, so a late press likes that one or none. */
export function likeButtonId(trackId: string): string {
  return `np:like:${trackId}`;
}

/** The track a ♥ press names, or undefined for any other id. */
export function likedTrackIdOf(customId: string): string | undefined {
  return /^np:like:([\w-]{1,64})$/.exec(customId)?.[1];
}

/** The card's fourth button: follow the song's synced lyrics on the card, or stop. */
export const LYRICS_BUTTON_ID = "np:lyrics";

/** Synced lyrics the card follows: the lines, and the one being sung (-1 before the first). */
export interface CardLyrics {
  lines: readonly LyricLine[];
  index: number;
}

/** One of the now-playing buttons. */
export type ControlButton = keyof typeof CONTROL_IDS;

/** What the now-playing message shows. */
export interface NowPlayingInfo {
  track: Track;
  positionSeconds: number;
  paused: boolean;
  /** A live stream: shown as LIVE with the time listened, no length and no progress bar. */
  live?: boolean;
  loop: "off" | "track" | "queue";
  upNext?: Track;
  /** Tracks waiting, including `upNext`. */
  queueLength: number;
  /** Non-music parts jumped over, in the file's time: the bar and the length count only what is heard. */
  skipSegments?: readonly SkipSegment[];
  /** Set while the card follows the song's synced lyrics. */
  lyrics?: CardLyrics;
}

/** The button a custom id names, or undefined for anything else (ids come back from users). */
export function controlOf(customId: string): ControlButton | undefined {
  return (Object.keys(CONTROL_IDS) as ControlButton[]).find((button) => CONTROL_IDS[button] === customId);
}

/** The message body for the current track, with pause/resume, skip and stop buttons. */
export function nowPlayingMessage(info: NowPlayingInfo): ReplyBody {
  const { track } = info;
  const url = linkableUrl(track.url, LINK_URL_MAX);
  const state = info.paused ? "⏸️ Paused" : "▶️ Playing";
  const segments = info.skipSegments ?? [];
  const position = heardSeconds(info.positionSeconds, segments);
  const duration = track.durationSeconds === undefined
    ? undefined
    : heardSeconds(track.durationSeconds, segments);
  const skipped = segments.length === 0 ? [] : [{
    name: "Non-music parts (SponsorBlock)",
    value: segments.map((segment) => skipLine(segment, info.positionSeconds)).join("\n"),
  }];
  const progress = info.live
    ? `${LIVE_LABEL} · listening for ${formatDuration(Math.max(0, info.positionSeconds))}`
    : progressBar(position, duration);
  return {
    embeds: [{
      title: escapedWithin(track.title, TITLE_MAX),
      ...(url === undefined ? {} : { url }),
      description: `${state}\n${progress}`,
      fields: [
        { name: "Requested by", value: requesterOf(track), inline: true },
        { name: "Loop", value: LOOP_LABELS[info.loop], inline: true },
        { name: "Up next", value: upNextText(info.upNext, info.queueLength) },
        ...skipped,
        ...(info.lyrics ? [{ name: "🎤 Lyrics", value: lyricsWindow(info.lyrics) }] : []),
      ],
    }],
    components: [{
      type: MessageComponentTypes.ActionRow,
      components: [
        ...controlButtons(info.paused),
        lyricsButton(info.lyrics !== undefined),
        button(likeButtonId(track.id), "Like", "♥️", ButtonStyles.Secondary),
      ],
    }],
  };
}

/** "▬▬▬▬🔘▬▬▬▬▬▬▬ 1:23 / 3:07"; without a knob when the length is unknown, since there is nowhere to put it. */
export function progressBar(position: number, duration: number | undefined, width = 12): string {
  const segments = Number.isFinite(width) ? Math.min(100, Math.max(2, Math.floor(width))) : 12;
  const elapsed = Number.isFinite(position) ? Math.max(0, position) : 0;
  if (duration === undefined || !Number.isFinite(duration) || duration <= 0) {
    return `${"▬".repeat(segments)} ${formatDuration(elapsed)} / ${formatDuration(undefined)}`;
  }
  // Past the end happens briefly around seeks and track changes; pin it rather than overflow the bar.
  const shown = Math.min(elapsed, duration);
  const knob = Math.round((shown / duration) * (segments - 1));
  const bar = "▬".repeat(knob) + "🔘" + "▬".repeat(segments - 1 - knob);
  return `${bar} ${formatDuration(shown)} / ${formatDuration(duration)}`;
}

// Discord's limits: embed titles 256; link urls 2048. Titles are kept shorter so the message stays readable.
const TITLE_MAX = 200;
const UP_NEXT_TITLE_MAX = 100;
const LINK_URL_MAX = 512;

const LOOP_LABELS = { off: "Off", track: "This track", queue: "The whole queue" } as const;

/** "Skipped 0:00–0:12" once playback is past it, "Skipping 2:40–3:05" before. */
function skipLine(segment: SkipSegment, positionSeconds: number): string {
  const span = `${formatDuration(segment.startSeconds)}–${formatDuration(segment.endSeconds)}`;
  return `${segment.endSeconds <= positionSeconds + 0.5 ? "Skipped" : "Skipping"} ${span}`;
}

/** The line before, the line being sung (bold) and the line after; each line is at most 150 characters. */
function lyricsWindow({ lines, index }: CardLyrics): string {
  const shown = [index - 1, index, index + 1].flatMap((i) => {
    const line = lines[i];
    if (!line) return [];
    const text = escapedWithin(line.text, 150) || "♪";
    return [i === index ? `**${text}**` : text];
  });
  return shown.length > 0 ? shown.join("\n") : "♪";
}

function lyricsButton(following: boolean): ButtonComponent {
  return following
    ? button(LYRICS_BUTTON_ID, "Hide lyrics", "🎤", ButtonStyles.Primary)
    : button(LYRICS_BUTTON_ID, "Lyrics", "🎤", ButtonStyles.Secondary);
}

function requesterOf(track: Track): string {
  // Mentions in embeds show the name without pinging anyone.
  return track.autoplay ? "Autoplay pick" : `<@${track.requesterId}>`;
}

function upNextText(upNext: Track | undefined, queueLength: number): string {
  if (!upNext) return "Nothing queued. Use /play to add a track.";
  const who = upNext.autoplay ? "autoplay" : `<@${upNext.requesterId}>`;
  const more = queueLength > 1 ? `\n…and ${queueLength - 1} more, see /queue.` : "";
  return `${shortLabel(upNext)} · ${who}${more}`;
}

/** Like `trackLabel`, but bounded: a long title is cut and an unusable link is dropped. */
function shortLabel(track: Track): string {
  const title = `**${escapedWithin(track.title, UP_NEXT_TITLE_MAX)}**`;
  const url = linkableUrl(track.url, LINK_URL_MAX);
  const label = url === undefined ? title : `[${title}](<${url}>)`;
  return `${label} (${lengthLabel(track)})`;
}

function controlButtons(paused: boolean): [ButtonComponent, ButtonComponent, ButtonComponent] {
  return [
    paused
      ? button(CONTROL_IDS.resume, "Resume", "▶️", ButtonStyles.Primary)
      : button(CONTROL_IDS.pause, "Pause", "⏸️", ButtonStyles.Secondary),
    button(CONTROL_IDS.skip, "Skip", "⏭️", ButtonStyles.Secondary),
    button(CONTROL_IDS.stop, "Stop", "⏹️", ButtonStyles.Danger),
  ];
}

function button(customId: string, label: string, emoji: string, style: ButtonStyles): ButtonComponent {
  return { type: MessageComponentTypes.Button, style, label, customId, emoji: { name: emoji } };
}

/** The now-playing message for a session, or a UserError when nothing plays. */
export function nowPlayingBody(session: GuildSession | undefined, lyrics?: CardLyrics): ReplyBody {
  const playing = session?.nowPlaying();
  if (!session || !playing) throw new UserError("Nothing is playing right now. Use /play to start.");
  const [upNext] = session.queue.peek(1);
  return nowPlayingMessage({
    track: { ...playing.track, durationSeconds: playing.durationSeconds },
    positionSeconds: playing.positionSeconds,
    paused: playing.paused,
    ...(playing.live ? { live: true } : {}),
    loop: session.loop,
    upNext,
    queueLength: session.queue.length,
    skipSegments: playing.skipSegments,
    lyrics,
  });
}

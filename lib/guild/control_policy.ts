/**
 * Who may do what to the music: pure rules, no I/O.
 *
 * | action          | who                                          | must be in the bot's channel |
 * | --------------- | -------------------------------------------- | ---------------------------- |
 * | skip            | whoever asked for the track, or a DJ         | yes                          |
 * | vote-skip       | anyone                                       | yes                          |
 * | pause, resume   | anyone                                       | yes                          |
 * | seek, loop      | anyone                                       | yes                          |
 * | shuffle, sort   | anyone                                       | yes                          |
 * | autoplay        | anyone                                       | yes                          |
 * | lyrics (card)   | anyone                                       | yes                          |
 * | move            | whoever asked for the track, or a DJ         | yes                          |
 * | remove          | whoever asked for the track, or a DJ         | no                           |
 * | clear-mine      | anyone (only their own tracks go)            | no                           |
 * | clear-others    | a DJ                                         | yes, unless a DJ             |
 * | stop, mode      | a DJ                                         | yes, unless a DJ             |
 * | stay (24/7)     | a DJ                                         | yes, unless a DJ             |
 * | play-next       | a DJ                                         | yes, unless a DJ             |
 * | leave           | a DJ, or anyone alone with the bot           | yes, unless a DJ             |
 *
 * Why:
 * - Everything that changes what the room hears asks for presence, so people outside cannot meddle.
 * - DJs are exempt from presence: a moderator must be able to stop a disruptive bot without joining it.
 * - Withdrawing your own requests works from anywhere: leaving the channel is the usual reason to.
 * - Pause, seek and loop are undone as easily as done, and in fair mode shuffle and sort only reorder each
 *   person's own tracks, so they are open to every listener. Autoplay only adds picks behind every person.
 * - Stop, clearing everyone's tracks, the queue mode and "play next" override other people, so they need a DJ;
 *   leaving is the same as stopping, except when nobody else is listening. 24/7 keeps the bot in a channel
 *   around the clock for the whole guild, so it needs a DJ too.
 * - Presence is only checked while the bot is in a channel: there is nothing to be near otherwise.
 */

/** Something a member can do to a guild's music. */
export type ControlAction =
  | "skip"
  | "vote-skip"
  | "pause"
  | "resume"
  | "stop"
  | "clear-others"
  | "clear-mine"
  | "remove"
  | "move"
  | "mode"
  | "seek"
  | "volume"
  | "filter"
  | "loop"
  | "shuffle"
  | "sort"
  | "play-next"
  | "leave"
  | "autoplay"
  | "stay"
  | "lyrics";

/** What the rules need to know about one attempt. */
export interface ControlRequest {
  action: ControlAction;
  actorId: string;
  actorIsDj: boolean;
  actorVoiceChannelId?: string;
  botVoiceChannelId?: string;
  /** For skip, remove and move: who asked for the track concerned. */
  trackRequesterId?: string;
  /** Non-bot members in the bot's channel; lets someone alone with the bot make it leave. */
  listenerIds?: readonly string[];
  /** Votes still needed to skip the current track, to point a refused skip at the vote. */
  votesStillNeeded?: number;
}

/** The verdict, with a reason to show the member when refused. */
export type ControlDecision = { allowed: true } | { allowed: false; reason: string };

type Who = "anyone" | "requester" | "dj" | "dj-or-alone";

interface Rule {
  who: Who;
  /** Allowed from outside the bot's channel. */
  anywhere?: boolean;
}

const RULES: Readonly<Record<ControlAction, Rule>> = {
  "skip": { who: "requester" },
  "vote-skip": { who: "anyone" },
  "pause": { who: "anyone" },
  "resume": { who: "anyone" },
  "seek": { who: "anyone" },
  "volume": { who: "anyone" },
  "filter": { who: "anyone" },
  "loop": { who: "anyone" },
  "shuffle": { who: "anyone" },
  "sort": { who: "anyone" },
  "autoplay": { who: "anyone" },
  "move": { who: "requester" },
  "remove": { who: "requester", anywhere: true },
  "clear-mine": { who: "anyone", anywhere: true },
  "clear-others": { who: "dj" },
  "stop": { who: "dj" },
  "mode": { who: "dj" },
  "play-next": { who: "dj" },
  "leave": { who: "dj-or-alone" },
  "stay": { who: "dj" },
  "lyrics": { who: "anyone" },
};

const ALLOWED: ControlDecision = { allowed: true };

/** Decides whether a member may do `action` now, and if not, why and what would work instead. */
export function decideControl(request: ControlRequest): ControlDecision {
  if (request.actorIsDj) return ALLOWED;
  const rule = RULES[request.action];
  // Permission first: when joining the channel would not help, saying so first would mislead.
  const refusal = whoRefusal(rule.who, request) ?? (rule.anywhere ? undefined : presenceRefusal(request));
  return refusal === undefined ? ALLOWED : { allowed: false, reason: refusal };
}

/** Whether a guild member counts as a DJ: the named role, or Manage Channels, or Administrator. */
export function isDj(
  member: { roles: readonly string[]; permissions?: string },
  guildRoles: readonly { id: string; name: string }[],
  djRoleName: string,
): boolean {
  return hasDjPermission(member.permissions) || hasRoleNamed(member.roles, guildRoles, djRoleName);
}

const ADMINISTRATOR = 1n << 3n;
const MANAGE_CHANNELS = 1n << 4n;

function hasDjPermission(permissions: string | undefined): boolean {
  // Discord sends permissions as a decimal string; anything else is treated as no permissions.
  if (permissions === undefined || !/^\d{1,30}$/.test(permissions)) return false;
  return (BigInt(permissions) & (ADMINISTRATOR | MANAGE_CHANNELS)) !== 0n;
}

function hasRoleNamed(
  roleIds: readonly string[],
  guildRoles: readonly { id: string; name: string }[],
  name: string,
): boolean {
  const wanted = name.trim().toLowerCase();
  if (wanted === "") return false;
  return guildRoles.some((role) => role.name.trim().toLowerCase() === wanted && roleIds.includes(role.id));
}

function whoRefusal(who: Who, request: ControlRequest): string | undefined {
  switch (who) {
    case "anyone":
      return undefined;
    case "requester":
      return isOwnTrack(request) ? undefined : requesterRefusal(request);
    case "dj":
      return DJ_REFUSALS[request.action] ?? "Only a DJ can do that.";
    case "dj-or-alone":
      return isAloneWithBot(request) ? undefined : LEAVE_REFUSAL;
  }
}

function isOwnTrack(request: ControlRequest): boolean {
  return request.trackRequesterId !== undefined && request.trackRequesterId === request.actorId;
}

function isAloneWithBot(request: ControlRequest): boolean {
  if (request.botVoiceChannelId === undefined) return true;
  if (request.actorVoiceChannelId !== request.botVoiceChannelId || request.listenerIds === undefined) {
    return false;
  }
  return request.listenerIds.every((id) => id === request.actorId);
}

function requesterRefusal(request: ControlRequest): string {
  switch (request.action) {
    case "skip":
      return `Only a DJ or the person who asked for it can skip this track. ${
        voteHint(request.votesStillNeeded)
      }`;
    case "remove":
      return "Only a DJ or the person who asked for it can remove that track. You can remove your own tracks.";
    default:
      return "Only a DJ or the person who asked for it can move that track. You can move your own tracks.";
  }
}

function voteHint(needed: number | undefined): string {
  if (needed === undefined || !Number.isInteger(needed) || needed < 1) return "Use /skip to vote to skip it.";
  return `Use /skip again to vote: ${needed} more ${needed === 1 ? "vote" : "votes"} needed.`;
}

const DJ_REFUSALS: Partial<Record<ControlAction, string>> = {
  "stop": "Only a DJ can stop the music for everyone. You can skip your own tracks with /skip.",
  "clear-others": "Only a DJ can clear everyone's tracks. Use /clear mine:True to remove just your own.",
  "mode": "Only a DJ can change the queue mode, since it changes everyone's turn.",
  "play-next": "Only a DJ can put a track at the front of the queue. Use /play without next to queue it.",
  "stay": "Only a DJ can keep me in the channel around the clock, since it decides for the whole server.",
};

const LEAVE_REFUSAL = "Only a DJ can make me leave while others are listening. " +
  "Use /skip for your own tracks, or /clear mine:True to take them off the queue.";

function presenceRefusal(request: ControlRequest): string | undefined {
  const channel = request.botVoiceChannelId;
  if (channel === undefined || request.actorVoiceChannelId === channel) return undefined;
  // A channel mention renders as the channel's name and is clickable, so it tells them where to go.
  return request.actorVoiceChannelId === undefined
    ? `You need to be in <#${channel}> with me to do that. Join it and try again.`
    : `You are in a different voice channel. Join <#${channel}> to control the music there.`;
}

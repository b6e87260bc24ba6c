/** Commands that rearrange the queue: /remove, /move, /shuffle, /sort and /clear. */
import { ApplicationCommandOptionTypes, ApplicationCommandTypes } from "discordeno";
import { escapeMarkdown } from "../discord/format.ts";
import type { QueueSortKey } from "../queue/queue_ordering.ts";
import { UserError } from "../user_error.ts";
import type { Command, CommandContext } from "./command.ts";
import type { CommandDeps } from "./command_deps.ts";
import { authorizeControl } from "./control_access.ts";
import { ownValue } from "../own_value.ts";

const SORT_KEYS: Record<string, QueueSortKey> = {
  title: "title",
  duration: "duration",
  requested: "requested",
};

/** The /remove command. */
export function removeCommand(deps: CommandDeps): Command {
  return {
    definition: {
      name: "remove",
      description: "Remove a track from the queue (yours, or anyone's as a DJ)",
      type: ApplicationCommandTypes.ChatInput,
      options: [positionOption("position", "Its position in /queue")],
    },
    async run(context) {
      const session = deps.sessions.get(context.guildId);
      const position = Number(context.options.get("position"));
      const track = session?.queue.list()[position - 1];
      if (!session || !track) throw new UserError(`There is no track at position ${position} in the queue.`);
      authorizeControl(deps, context, "remove", track.requesterId);
      session.remove(position);
      await context.reply.send({ content: `Removed **${escapeMarkdown(track.title)}** from the queue.` });
    },
  };
}

/** The /move command. */
export function moveCommand(deps: CommandDeps): Command {
  return {
    definition: {
      name: "move",
      description: "Move a track to another place in the queue",
      type: ApplicationCommandTypes.ChatInput,
      options: [positionOption("from", "Its position now"), positionOption("to", "Where it should go")],
    },
    async run(context) {
      const session = deps.sessions.get(context.guildId);
      const [from, to] = [Number(context.options.get("from")), Number(context.options.get("to"))];
      const length = session?.queue.length ?? 0;
      const track = session?.queue.list()[from - 1];
      if (!session || !track) throw new UserError(`There is no track at position ${from} in the queue.`);
      if (!(to >= 1 && to <= length)) {
        throw new UserError(`The queue has ${length} tracks; pick a place from 1 to ${length}.`);
      }
      authorizeControl(deps, context, "move", track.requesterId);
      session.move(from, to);
      await context.reply.send({ content: `Moved **${escapeMarkdown(track.title)}** to position ${to}.` });
    },
  };
}

/** The /shuffle command. */
export function shuffleCommand(deps: CommandDeps): Command {
  return {
    definition: {
      name: "shuffle",
      description: "Shuffle the queue (each person's own tracks, so turns stay fair)",
      type: ApplicationCommandTypes.ChatInput,
    },
    async run(context) {
      const session = authorizeControl(deps, context, "shuffle");
      session.shuffle();
      await context.reply.send({ content: `Shuffled the queue${fairNote(session.queue.mode)}.` });
    },
  };
}

/** The /sort command. */
export function sortCommand(deps: CommandDeps): Command {
  return {
    definition: {
      name: "sort",
      description: "Sort the queue (each person's own tracks, so turns stay fair)",
      type: ApplicationCommandTypes.ChatInput,
      options: [{
        name: "by",
        description: "What to sort by",
        type: ApplicationCommandOptionTypes.String,
        required: true,
        choices: [
          { name: "title", value: "title" },
          { name: "duration", value: "duration" },
          { name: "request time", value: "requested" },
        ],
      }],
    },
    async run(context) {
      const key = ownValue(SORT_KEYS, String(context.options.get("by")));
      if (!key) throw new UserError("I can sort by title, duration or request time.");
      const session = authorizeControl(deps, context, "sort");
      session.sort(key);
      await context.reply.send({ content: `Sorted the queue by ${key}${fairNote(session.queue.mode)}.` });
    },
  };
}

/** The /clear command. */
export function clearCommand(deps: CommandDeps): Command {
  return {
    definition: {
      name: "clear",
      description: "Clear the queue (everyone's needs a DJ)",
      type: ApplicationCommandTypes.ChatInput,
      options: [{
        name: "mine",
        description: "Only remove my own tracks",
        type: ApplicationCommandOptionTypes.Boolean,
        required: false,
      }],
    },
    run: async (context) => await context.reply.send({ content: clear(deps, context) }),
  };
}

function clear(deps: CommandDeps, context: CommandContext): string {
  const mine = context.options.get("mine") === true;
  const session = authorizeControl(deps, context, mine ? "clear-mine" : "clear-others");
  const removed = session.clear(mine ? context.userId : undefined);
  return mine
    ? `Removed your ${removed.length} queued tracks.`
    : `Cleared the queue (${removed.length} tracks).`;
}

function positionOption(name: string, description: string) {
  return { name, description, type: ApplicationCommandOptionTypes.Integer, required: true, minValue: 1 };
}

function fairNote(mode: string): string {
  return mode === "fair" ? " within each person's own tracks, so turns stay fair" : "";
}

/**
 * /volume and /filter: how the guild's music sounds, heard at once from where the track is. Filters are
 * presets from an allow-list; /filter add and /filter remove combine them one at a time (one command per
 * change keeps each option list short and each reply about one thing), /filter clear turns all off.
 */
import { ApplicationCommandOptionTypes, ApplicationCommandTypes } from "discordeno";
import {
  BASS_LEVELS,
  type BassLevel,
  describeFilters,
  FILTER_NAMES,
  type FilterName,
  PITCH_RANGE,
  SPEED_RANGE,
  tempoOf,
  VOLUME_RANGE,
  withFilter,
  withoutFilter,
} from "../audio_effects.ts";
import { UserError } from "../user_error.ts";
import type { Command, CommandContext } from "./command.ts";
import type { CommandDeps } from "./command_deps.ts";
import { authorizeControl } from "./control_access.ts";

/** The /volume command. */
export function volumeCommand(deps: CommandDeps): Command {
  return {
    definition: {
      name: "volume",
      description: "Set the volume in percent (100 is normal)",
      type: ApplicationCommandTypes.ChatInput,
      options: [{
        name: "percent",
        description: "From 0 to 200",
        type: ApplicationCommandOptionTypes.Integer,
        required: true,
        minValue: VOLUME_RANGE.min,
        maxValue: VOLUME_RANGE.max,
      }],
    },
    async run(context) {
      const percent = Number(context.options.get("percent"));
      if (!Number.isInteger(percent) || percent < VOLUME_RANGE.min || percent > VOLUME_RANGE.max) {
        throw new UserError(`The volume must be a whole number from 0 to 200, not "${percent}".`);
      }
      const session = authorizeControl(deps, context, "volume");
      session.setVolume(percent);
      await context.reply.send({ content: `Volume set to ${percent} %.` });
    },
  };
}

const PRESET_OPTION = {
  name: "preset",
  description: "Which filter",
  type: ApplicationCommandOptionTypes.String,
  required: true,
  choices: FILTER_NAMES.map((name) => ({ name, value: name })),
} as const;

/** The /filter command. */
export function filterCommand(deps: CommandDeps): Command {
  return {
    definition: {
      name: "filter",
      description: "Add, remove or clear audio filters",
      type: ApplicationCommandTypes.ChatInput,
      options: [
        {
          name: "add",
          description: "Turn a filter on (filters combine)",
          type: ApplicationCommandOptionTypes.SubCommand,
          options: [
            PRESET_OPTION,
            {
              name: "level",
              description: "For bassboost: how much",
              type: ApplicationCommandOptionTypes.String,
              required: false,
              choices: BASS_LEVELS.map((level) => ({ name: level, value: level })),
            },
            {
              name: "amount",
              description: "For speed: 0.5 to 2 times; for pitch: -12 to 12 semitones",
              type: ApplicationCommandOptionTypes.Number,
              required: false,
              minValue: -12,
              maxValue: 12,
            },
          ],
        },
        {
          name: "remove",
          description: "Turn a filter off",
          type: ApplicationCommandOptionTypes.SubCommand,
          options: [PRESET_OPTION],
        },
        {
          name: "clear",
          description: "Turn every filter off",
          type: ApplicationCommandOptionTypes.SubCommand,
        },
      ],
    },
    async run(context) {
      const action = subcommandOf(context);
      const session = authorizeControl(deps, context, "filter");
      const filters = session.effects.filters;
      if (action === "clear") {
        session.setFilters({});
        return await context.reply.send({ content: "Filters off." });
      }
      const preset = presetOf(context);
      if (action === "remove") {
        if (filters[preset] === undefined) throw new UserError(`The ${preset} filter is not on.`);
        const next = withoutFilter(filters, preset);
        session.setFilters(next);
        return await context.reply.send({
          content: `Filter ${preset} off. Filters: ${describeFilters(next)}.`,
        });
      }
      const next = withFilter(filters, preset, valueFor(preset, context));
      session.setFilters(next);
      const live = session.current?.live === true && tempoOf(next) !== 1
        ? "\nThis is a live stream: it plays as fast as it comes, so only the pitch changes until the next track."
        : "";
      await context.reply.send({ content: `Filters: ${describeFilters(next)}.${live}` });
    },
  };
}

function subcommandOf(context: CommandContext): "add" | "remove" | "clear" {
  const name = context.interaction.data?.options?.[0]?.name;
  if (name === "add" || name === "remove" || name === "clear") return name;
  throw new UserError("Use /filter add, /filter remove or /filter clear.");
}

function presetOf(context: CommandContext): FilterName {
  const preset = String(context.options.get("preset") ?? "");
  if (!(FILTER_NAMES as readonly string[]).includes(preset)) {
    throw new UserError(`There is no filter called "${preset.slice(0, 40)}".`);
  }
  return preset as FilterName;
}

/** The level or amount a preset takes, checked; a clear reply when it is missing or out of range. */
function valueFor(preset: FilterName, context: CommandContext): { level?: BassLevel; amount?: number } {
  const level = context.options.get("level");
  const amount = context.options.get("amount");
  if (preset === "bassboost") {
    if (level !== undefined && !(BASS_LEVELS as readonly unknown[]).includes(level)) {
      throw new UserError(`The bass boost level must be low, medium or high.`);
    }
    return { level: level as BassLevel | undefined };
  }
  if (preset === "speed" || preset === "pitch") {
    const range = preset === "speed" ? SPEED_RANGE : PITCH_RANGE;
    const value = Number(amount);
    if (amount === undefined || !Number.isFinite(value) || value < range.min || value > range.max) {
      const unit = preset === "speed" ? "times" : "semitones";
      throw new UserError(`Give ${preset} an amount from ${range.min} to ${range.max} ${unit}.`);
    }
    return { amount: value };
  }
  return {};
}

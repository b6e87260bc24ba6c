/** Commands that change how the guild's music behaves: /loop, /mode, /autoplay and /stay. */
import { ApplicationCommandOptionTypes, ApplicationCommandTypes } from "discordeno";
import type { LoopMode } from "../guild/guild_session.ts";
import { UserError } from "../user_error.ts";
import { onOffOption } from "./common_options.ts";
import type { Command } from "./command.ts";
import type { CommandDeps } from "./command_deps.ts";
import { authorizeSetting } from "./control_access.ts";
import { ownValue } from "../own_value.ts";

const LOOP_MODES: Record<string, LoopMode> = { off: "off", track: "track", queue: "queue" };
const LOOP_TEXT: Record<LoopMode, string> = {
  off: "Looping is off.",
  track: "Looping the current track.",
  queue: "Looping the queue: finished tracks go to the back.",
};

/** The /loop command. */
export function loopCommand(deps: CommandDeps): Command {
  return {
    definition: {
      name: "loop",
      description: "Repeat the current track or the whole queue",
      type: ApplicationCommandTypes.ChatInput,
      options: [{
        name: "mode",
        description: "What to repeat",
        type: ApplicationCommandOptionTypes.String,
        required: true,
        choices: Object.keys(LOOP_MODES).map((mode) => ({ name: mode, value: mode })),
      }],
    },
    async run(context) {
      const mode = ownValue(LOOP_MODES, String(context.options.get("mode")));
      if (!mode) throw new UserError("Loop can be off, track or queue.");
      const session = await authorizeSetting(deps, context, "loop");
      session.setLoop(mode);
      await context.reply.send({ content: LOOP_TEXT[mode] });
    },
  };
}

/** The /mode command. */
export function modeCommand(deps: CommandDeps): Command {
  return {
    definition: {
      name: "mode",
      description: "Fair turns between people, or first come first served (DJ)",
      type: ApplicationCommandTypes.ChatInput,
      options: [{
        name: "order",
        description: "How the queue is ordered",
        type: ApplicationCommandOptionTypes.String,
        required: true,
        choices: [{ name: "fair", value: "fair" }, { name: "fifo", value: "fifo" }],
      }],
    },
    async run(context) {
      const order = String(context.options.get("order"));
      if (order !== "fair" && order !== "fifo") throw new UserError("The order can be fair or fifo.");
      const session = await authorizeSetting(deps, context, "mode");
      session.setMode(order);
      await context.reply.send({
        content: order === "fair"
          ? "The queue now takes turns fairly between people."
          : "The queue now plays in the order tracks were asked for.",
      });
    },
  };
}

/** The /autoplay command. */
export function autoplayCommand(deps: CommandDeps): Command {
  return {
    definition: {
      name: "autoplay",
      description: "When the queue runs dry, keep playing tracks like the ones played here",
      type: ApplicationCommandTypes.ChatInput,
      options: [onOffOption()],
    },
    async run(context) {
      const mode = String(context.options.get("mode"));
      if (mode !== "on" && mode !== "off") throw new UserError("Autoplay can be on or off.");
      const session = await authorizeSetting(deps, context, "autoplay");
      session.setAutoplay(mode === "on");
      await context.reply.send({
        content: session.autoplay
          ? "Autoplay is on: when the queue runs dry, I'll pick tracks like the ones played here."
          : "Autoplay is off.",
      });
    },
  };
}

/** The /stay command: 24/7, the bot stays in its channel when alone or idle and comes back after a restart. */
export function stayCommand(deps: CommandDeps): Command {
  return {
    definition: {
      name: "stay",
      description: "24/7: stay in the voice channel when alone or idle, and come back after a restart (DJ)",
      type: ApplicationCommandTypes.ChatInput,
      options: [onOffOption()],
    },
    async run(context) {
      const mode = String(context.options.get("mode"));
      if (mode !== "on" && mode !== "off") throw new UserError("24/7 can be on or off.");
      const session = await authorizeSetting(deps, context, "stay");
      session.setStay(mode === "on");
      const channelId = session.channelId;
      const where = channelId ? `in <#${channelId}>` : "in the voice channel I join next";
      await context.reply.send({
        content: session.stay
          ? `24/7 is on: I'll stay ${where} even when nobody is listening or nothing is queued, ` +
            "and come back to it after a restart."
          : "24/7 is off: I'll leave again when nobody is listening or the queue stays empty for a while.",
      });
    },
  };
}

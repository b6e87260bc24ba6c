/** /history: the last tracks played in this server, newest first. */
import { ApplicationCommandOptionTypes, ApplicationCommandTypes } from "discordeno";
import { trackLabel } from "../discord/format.ts";
import type { GuildStateStore } from "../state/guild_state_store.ts";
import type { Command } from "./command.ts";

const PAGE = 10;

/** The /history command. */
export function historyCommand(store: GuildStateStore): Command {
  return {
    definition: {
      name: "history",
      description: "Show the tracks played here recently",
      type: ApplicationCommandTypes.ChatInput,
      options: [{
        name: "count",
        description: "How many to show (up to 25)",
        type: ApplicationCommandOptionTypes.Integer,
        required: false,
        minValue: 1,
        maxValue: 25,
      }],
    },
    async run(context) {
      const count = Number(context.options.get("count") ?? PAGE);
      const plays = await store.history(context.guildId, count);
      const lines = plays.map((play) => {
        const who = play.autoplay ? "autoplay" : `<@${play.requesterId}>`;
        return `<t:${Math.floor(play.playedAt / 1000)}:R> ${trackLabel(play)} · ${who}`;
      });
      const content = lines.length > 0
        ? `**Recently played**\n${lines.join("\n")}`
        : "Nothing has been played here yet.";
      await context.reply.send({ content: content.slice(0, 2000), allowedMentions: { parse: [] } });
    },
  };
}

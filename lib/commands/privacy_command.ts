/** /privacy: the call's voice privacy code, shown only to the asker, to compare with their own client. */
import { ApplicationCommandTypes } from "discordeno";
import { groupedCode, voicePrivacy } from "../voice/voice_privacy.ts";
import type { Command } from "./command.ts";

/** The /privacy command. */
export function privacyCommand(): Command {
  return {
    definition: {
      name: "privacy",
      description: "Show the voice call's privacy code, to check it is end-to-end encrypted",
      type: ApplicationCommandTypes.ChatInput,
    },
    async run(context) {
      await context.reply.sendPrivately({ content: privacyText(context.guildId) });
    },
  };
}

function privacyText(guildId: string): string {
  const privacy = voicePrivacy(guildId);
  switch (privacy.status) {
    case "encrypted":
      return [
        `The call in <#${privacy.channelId}> is end-to-end encrypted. Its voice privacy code is:`,
        `\`${groupedCode(privacy.code)}\``,
        "Your Discord client shows the same code in the call's voice privacy settings if nobody is in between.",
      ].join("\n");
    case "pending":
      return `The call in <#${privacy.channelId}> is still setting up its end-to-end encryption. ` +
        "Please ask again in a moment.";
    case "transport-only":
      return `The call in <#${privacy.channelId}> is not end-to-end encrypted, so it has no voice privacy code.`;
    case "offline":
      return "I'm not in a voice call here, so there is no voice privacy code to show.";
  }
}

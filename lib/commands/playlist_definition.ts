/** The /playlist command as Discord sees it: one sub-command per action, each with its own options. */
import {
  type ApplicationCommandOption,
  ApplicationCommandOptionTypes,
  ApplicationCommandTypes,
  type CreateApplicationCommand,
} from "discordeno";
import { pageOption } from "./common_options.ts";
import { NAME_MAX } from "../playlists/playlist_model.ts";

const SCOPE: ApplicationCommandOption = {
  name: "scope",
  description: "Your own playlists (default) or this server's",
  type: ApplicationCommandOptionTypes.String,
  required: false,
  choices: [{ name: "mine", value: "mine" }, { name: "server", value: "server" }],
};

function name(description: string, autocomplete = true): ApplicationCommandOption {
  return {
    name: "name",
    description,
    type: ApplicationCommandOptionTypes.String,
    required: true,
    maxLength: NAME_MAX,
    autocomplete,
  };
}

function sub(
  subName: string,
  description: string,
  options: ApplicationCommandOption[],
): ApplicationCommandOption {
  return { name: subName, description, type: ApplicationCommandOptionTypes.SubCommand, options };
}

/** The definition registered with Discord. */
export const PLAYLIST_DEFINITION: CreateApplicationCommand = {
  name: "playlist",
  description: "Saved playlists: yours in every server, or this server's",
  type: ApplicationCommandTypes.ChatInput,
  options: [
    sub("play", "Queue a saved playlist (or liked) as your own tracks", [
      name("The playlist, or liked"),
      {
        name: "shuffle",
        description: "Play it in a random order",
        type: ApplicationCommandOptionTypes.Boolean,
      },
      SCOPE,
    ]),
    sub("save", "Save what is playing and the queue as a new playlist", [name("A new name", false), SCOPE]),
    sub("add", "Add a song (a link or search words) at the end of a playlist", [
      name("The playlist (made if it does not exist)"),
      {
        name: "query",
        description: "A link or search words; a playlist link adds all of its tracks",
        type: ApplicationCommandOptionTypes.String,
        required: true,
        maxLength: 500,
      },
      SCOPE,
    ]),
    sub("remove", "Take a track out of a playlist", [
      name("The playlist"),
      {
        name: "position",
        description: "Its number in /playlist show",
        type: ApplicationCommandOptionTypes.Integer,
        required: true,
        minValue: 1,
      },
      SCOPE,
    ]),
    sub("show", "List a playlist's tracks", [name("The playlist, or liked"), pageOption(), SCOPE]),
    sub("list", "List the playlists there are", [SCOPE]),
    sub("rename", "Give a playlist a new name", [
      name("The playlist"),
      {
        name: "new_name",
        description: "Its new name",
        type: ApplicationCommandOptionTypes.String,
        required: true,
        maxLength: NAME_MAX,
      },
      SCOPE,
    ]),
    sub("delete", "Delete a playlist (asks first)", [name("The playlist"), SCOPE]),
    sub("import", "Make a playlist from a YouTube or Spotify playlist link, or a text file", [
      name("A new name", false),
      {
        name: "link",
        description: "A YouTube or Spotify playlist (or album) link",
        type: ApplicationCommandOptionTypes.String,
        required: false,
        maxLength: 500,
      },
      {
        name: "file",
        description: "A text file with one link or search per line",
        type: ApplicationCommandOptionTypes.Attachment,
        required: false,
      },
      SCOPE,
    ]),
    sub("export", "Get a playlist as a text file, one link per line", [
      name("The playlist, or liked"),
      SCOPE,
    ]),
  ],
};

/** The sub-command an invocation names. */
export function subcommandOf(options: readonly { name: string; type: number }[] | undefined): string {
  const [first] = options ?? [];
  return first?.type === ApplicationCommandOptionTypes.SubCommand ? first.name : "";
}

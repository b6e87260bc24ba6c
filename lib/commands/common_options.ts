/** Options several commands share, written once so they read and check the same everywhere. */
import { type ApplicationCommandOption, ApplicationCommandOptionTypes } from "discordeno";

/** `page`: which page of 10 a list shows (buttons turn the others). */
export function pageOption(): ApplicationCommandOption {
  return {
    name: "page",
    description: "Which page of 10",
    type: ApplicationCommandOptionTypes.Integer,
    required: false,
    minValue: 1,
  };
}

/** `mode`: on or off, required. */
export function onOffOption(): ApplicationCommandOption {
  return {
    name: "mode",
    description: "On or off",
    type: ApplicationCommandOptionTypes.String,
    required: true,
    choices: [{ name: "on", value: "on" }, { name: "off", value: "off" }],
  };
}

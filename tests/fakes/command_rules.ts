/** Rules Discord enforces on application commands that its OpenAPI schema cannot express. */
import type { Violation } from "./openapi_validator.ts";

/** Discord's pattern for chat-input command and option names. */
const NAME_PATTERN = /^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;
const MAX_OPTIONS = 25;
const MAX_CHOICES = 25;
const CHAT_INPUT = 1;
const SUB_COMMAND = 1;
const SUB_COMMAND_GROUP = 2;

type Definition = Record<string, unknown>;

/** Violations in a list of command definitions (a bulk overwrite body). */
export function checkCommandList(body: unknown): Violation[] {
  if (!Array.isArray(body)) return [];
  const violations = body.flatMap((command, index) => checkCommand(command, `/${index}`));
  return [...violations, ...duplicateNames(body, "")];
}

/** Violations in one command definition at JSON pointer `path`. */
export function checkCommand(command: unknown, path = ""): Violation[] {
  if (!isObject(command)) return [];
  const type = command.type ?? CHAT_INPUT;
  if (type !== CHAT_INPUT) return [];
  return [...checkNamed(command, path), ...checkOptions(command.options, `${path}/options`)];
}

function checkOptions(options: unknown, path: string): Violation[] {
  if (!Array.isArray(options)) return [];
  const violations: Violation[] = [];
  if (options.length > MAX_OPTIONS) {
    violations.push(violation(path, "BASE_TYPE_MAX_LENGTH", "Too many options"));
  }
  const nested = options.filter((option) =>
    isObject(option) && (option.type === SUB_COMMAND || option.type === SUB_COMMAND_GROUP)
  );
  if (nested.length > 0 && nested.length < options.length) {
    violations.push(
      violation(
        path,
        "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID",
        "Sub-commands and sub-command groups cannot be mixed with other options",
      ),
    );
  }
  let sawOptional = false;
  options.forEach((option, index) => {
    if (!isObject(option)) return;
    const at = `${path}/${index}`;
    violations.push(...checkNamed(option, at), ...checkChoices(option, at));
    if (option.type === SUB_COMMAND || option.type === SUB_COMMAND_GROUP) {
      violations.push(...checkOptions(option.options, `${at}/options`));
      return;
    }
    if (option.required === true && sawOptional) {
      violations.push(
        violation(
          `${at}/required`,
          "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
          "Required options must be placed before non-required options",
        ),
      );
    }
    sawOptional ||= option.required !== true;
  });
  return [...violations, ...duplicateNames(options, path)];
}

function checkNamed(definition: Definition, path: string): Violation[] {
  const violations: Violation[] = [];
  const name = definition.name;
  if (typeof name === "string" && (!NAME_PATTERN.test(name) || name !== name.toLowerCase())) {
    violations.push(
      violation(`${path}/name`, "APPLICATION_COMMAND_INVALID_NAME", `Command name is invalid: "${name}"`),
    );
  }
  const description = definition.description;
  if (typeof description !== "string" || description.length < 1 || description.length > 100) {
    violations.push(
      violation(`${path}/description`, "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length."),
    );
  }
  return violations;
}

function checkChoices(option: Definition, path: string): Violation[] {
  const choices = option.choices;
  if (!Array.isArray(choices)) return [];
  const violations: Violation[] = [];
  if (choices.length > MAX_CHOICES) {
    violations.push(violation(`${path}/choices`, "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length."));
  }
  if (option.autocomplete === true && choices.length > 0) {
    violations.push(
      violation(
        `${path}/autocomplete`,
        "APPLICATION_COMMAND_AUTOCOMPLETE_INVALID",
        "Autocomplete cannot be set with choices",
      ),
    );
  }
  return violations;
}

function duplicateNames(definitions: unknown[], path: string): Violation[] {
  const seen = new Set<unknown>();
  return definitions.flatMap((definition, index) => {
    if (!isObject(definition)) return [];
    const key = `${definition.type ?? CHAT_INPUT}:${definition.name}`;
    if (!seen.has(key)) {
      seen.add(key);
      return [];
    }
    return [
      violation(
        `${path}/${index}/name`,
        "APPLICATION_COMMANDS_DUPLICATE_NAME",
        `Duplicate name "${definition.name}"`,
      ),
    ];
  });
}

function violation(path: string, code: string, message: string): Violation {
  return { path, code, message };
}

function isObject(value: unknown): value is Definition {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

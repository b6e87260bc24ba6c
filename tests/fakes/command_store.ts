import { nextSnowflake } from "./snowflake.ts";

/** An application command as Discord stores and returns it. */
export type RegisteredCommand = Record<string, unknown> & {
  readonly id: string;
  readonly name: string;
  readonly guild_id?: string;
};

/** The application's commands: global ones and those of each guild. */
export class CommandStore {
  readonly #applicationId: string;
  /** Keyed by scope: "" for global commands, else the guild id. */
  readonly #scopes = new Map<string, RegisteredCommand[]>();

  constructor(applicationId: string) {
    this.#applicationId = applicationId;
  }

  /** Every registered command, global ones first. */
  all(): RegisteredCommand[] {
    return [
      ...this.list(""),
      ...[...this.#scopes].filter(([scope]) => scope !== "").flatMap(([, list]) => list),
    ];
  }

  /** The commands of one scope ("" for global). */
  list(scope: string): RegisteredCommand[] {
    return this.#scopes.get(scope) ?? [];
  }

  /** Replaces a scope's commands, keeping the ids of commands that keep their name (as a bulk overwrite does). */
  overwrite(scope: string, definitions: Record<string, unknown>[]): RegisteredCommand[] {
    const previous = this.list(scope);
    const commands = definitions.map((definition) =>
      this.#register(scope, definition, previous.find((command) => sameCommand(command, definition))?.id)
    );
    this.#scopes.set(scope, commands);
    return commands;
  }

  /** Creates or replaces one command by name, as a POST does. */
  upsert(scope: string, definition: Record<string, unknown>): RegisteredCommand {
    const list = this.list(scope);
    const existing = list.find((command) => sameCommand(command, definition));
    const command = this.#register(scope, definition, existing?.id);
    this.#scopes.set(scope, [...list.filter((other) => other !== existing), command]);
    return command;
  }

  /** Removes a command; false if it did not exist. */
  delete(scope: string, id: string): boolean {
    const list = this.list(scope);
    this.#scopes.set(scope, list.filter((command) => command.id !== id));
    return list.some((command) => command.id === id);
  }

  #register(scope: string, definition: Record<string, unknown>, id = nextSnowflake()): RegisteredCommand {
    return {
      type: 1,
      description: "",
      options: [],
      default_member_permissions: null,
      nsfw: false,
      contexts: null,
      integration_types: [0],
      ...definition,
      id,
      application_id: this.#applicationId,
      version: nextSnowflake(),
      name: String(definition.name),
      ...(scope && { guild_id: scope }),
    };
  }
}

function sameCommand(command: RegisteredCommand, definition: Record<string, unknown>): boolean {
  return command.name === definition.name && command.type === (definition.type ?? 1);
}

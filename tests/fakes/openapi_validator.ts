/**
 * Checks request bodies against Discord's own OpenAPI description, so the fake refuses what Discord would.
 * The description is kept in tests/fixtures/discord/ (see the NOTICE there); DISCORD_OPENAPI_PATH
 * points at another copy, a newer snapshot say.
 */
import { Ajv2020, type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";
import { fileURLToPath } from "node:url";

/** An operation found for a request: its path template and, if it takes one, its JSON body schema. */
interface Operation {
  readonly template: string;
  readonly schema?: unknown;
}

/** One schema violation, located by JSON pointer into the body. */
export interface Violation {
  readonly path: string;
  readonly code: string;
  readonly message: string;
}

const DOCUMENT_ID = "https://discord.test/openapi.json";
const loaded = new Map<string, Promise<OpenApiValidator>>();

/** Where the OpenAPI description is read from. */
export function defaultOpenApiPath(): string {
  const fromEnv = Deno.env.get("DISCORD_OPENAPI_PATH");
  if (fromEnv) return fromEnv;
  return fileURLToPath(new URL("../fixtures/discord/openapi.json", import.meta.url));
}

/** Path templates and request body schemas of Discord's REST API. */
export class OpenApiValidator {
  readonly #ajv = new Ajv2020({ strict: false, validateSchema: false, allErrors: false, logger: false });
  readonly #paths: [RegExp, string, number][];
  readonly #document: { paths: Record<string, Record<string, unknown>> };
  readonly #compiled = new Map<string, ValidateFunction>();

  private constructor(document: { paths: Record<string, Record<string, unknown>>; components: unknown }) {
    this.#document = document;
    for (const format of ["int32", "int64", "double", "date-time", "uri", "nonce", "snowflake"]) {
      this.#ajv.addFormat(format, true);
    }
    this.#ajv.addSchema({ $id: DOCUMENT_ID, components: acceptDecimalStrings(document.components) });
    this.#paths = Object.keys(document.paths).map((template) => [
      new RegExp(`^${template.replace(/\{[^}]+\}/g, "[^/]+")}$`),
      template,
      template.split("/").filter((segment) => !segment.startsWith("{")).length,
    ]);
    // A literal segment ("@original") must win over a parameter ("{message_id}").
    this.#paths.sort((a, b) => b[2] - a[2]);
  }

  /** One validator per description and process: parsing and compiling it is the slow part of starting a fake. */
  static shared(path: string = defaultOpenApiPath()): Promise<OpenApiValidator> {
    let loading = loaded.get(path);
    if (!loading) loaded.set(path, loading = OpenApiValidator.load(path));
    return loading;
  }

  /** Reads and prepares the description at `path`. */
  static async load(path: string = defaultOpenApiPath()): Promise<OpenApiValidator> {
    return new OpenApiValidator(JSON.parse(await Deno.readTextFile(path)));
  }

  /** The path template (`/applications/{application_id}/commands`) a request path belongs to, if any. */
  matchPath(path: string): string | undefined {
    return this.#paths.find(([pattern]) => pattern.test(path))?.[1];
  }

  /** The violations of `body` for `method path`; empty when valid or when the operation takes no body. */
  validate(method: string, path: string, body: unknown): Violation[] {
    const operation = this.#operation(method, path);
    if (!operation?.schema) return [];
    const key = `${method.toLowerCase()} ${operation.template}`;
    let validate = this.#compiled.get(key);
    if (!validate) {
      validate = this.#ajv.compile(pointIntoDocument(operation.schema));
      this.#compiled.set(key, validate);
    }
    if (validate(body)) return [];
    // Each branch of a oneOf reports the same failure; Discord lists it once.
    const unique = new Map((validate.errors ?? []).map(toViolation).map((v) => [JSON.stringify(v), v]));
    return [...unique.values()];
  }

  #operation(method: string, path: string): Operation | undefined {
    const template = this.matchPath(path);
    if (!template) return undefined;
    const operation = this.#document.paths[template][method.toLowerCase()] as
      | { requestBody?: { content?: Record<string, { schema?: unknown }> } }
      | undefined;
    return operation && { template, schema: operation.requestBody?.content?.["application/json"]?.schema };
  }
}

/** Rewrites local `$ref`s so a schema taken out of the document still resolves into its components. */
function pointIntoDocument(schema: unknown): object {
  return JSON.parse(JSON.stringify(schema), (key, value) => key === "$ref" ? DOCUMENT_ID + value : value);
}

/** Discord sends and accepts permission bit sets as decimal strings; the description types them as integers. */
function acceptDecimalStrings(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(acceptDecimalStrings);
  if (typeof node !== "object" || node === null) return node;
  const copy = Object.fromEntries(
    Object.entries(node).map(([key, value]) => [key, acceptDecimalStrings(value)]),
  );
  const maximum = (node as { maximum?: unknown }).maximum;
  if (typeof maximum !== "number" || maximum <= Number.MAX_SAFE_INTEGER) return copy;
  return { anyOf: [copy, { type: "string", pattern: "^[0-9]{1,20}$" }] };
}

function toViolation(error: ErrorObject): Violation {
  const missing = error.keyword === "required"
    ? `/${(error.params as { missingProperty: string }).missingProperty}`
    : "";
  return {
    path: error.instancePath + missing,
    code: discordErrorCode(error.keyword),
    message: error.message ?? "",
  };
}

function discordErrorCode(keyword: string): string {
  switch (keyword) {
    case "required":
      return "BASE_TYPE_REQUIRED";
    case "minLength":
    case "maxLength":
      return "BASE_TYPE_BAD_LENGTH";
    case "maxItems":
    case "minItems":
      return "BASE_TYPE_MAX_LENGTH";
    case "enum":
    case "const":
      return "BASE_TYPE_CHOICES";
    default:
      return "BASE_TYPE_INVALID";
  }
}

/** Discord's "Invalid Form Body" answer: errors nested along each violation's path. */
export function invalidFormBody(violations: readonly Violation[]): Record<string, unknown> {
  const errors: Record<string, unknown> = {};
  for (const violation of violations) {
    let node = errors as Record<string, unknown>;
    for (const segment of violation.path.split("/").filter(Boolean)) {
      node = (node[segment] ??= {}) as Record<string, unknown>;
    }
    const list = (node._errors ??= []) as { code: string; message: string }[];
    list.push({ code: violation.code, message: violation.message });
  }
  return { code: 50035, message: "Invalid Form Body", errors };
}

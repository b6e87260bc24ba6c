/**
 * Limits Discord enforces on message bodies that its OpenAPI schema leaves out or states loosely: a bot's
 * content is at most 2000 characters (the schema allows 4000 on channel messages, which only some users
 * get), all embeds of a message together hold at most 6000 characters, and a string choice's value is at
 * most 100 characters (the schema says 6000).
 */
import type { Violation } from "./openapi_validator.ts";

const MAX_CONTENT = 2000;
const MAX_EMBED_TOTAL = 6000;
const MAX_CHOICE_VALUE = 100;

/** Violations in a message body, or in the `data` of an interaction callback. */
export function checkMessage(body: unknown): Violation[] {
  if (!isObject(body)) return [];
  const message = isObject(body.data) ? body.data : body;
  const path = isObject(body.data) ? "/data" : "";
  const violations: Violation[] = [];
  if (typeof message.content === "string" && message.content.length > MAX_CONTENT) {
    violations.push(tooLong(`${path}/content`, MAX_CONTENT));
  }
  if (Array.isArray(message.embeds)) {
    const total = message.embeds.reduce((sum: number, embed) => sum + embedText(embed), 0);
    if (total > MAX_EMBED_TOTAL) {
      violations.push({
        path: `${path}/embeds`,
        code: "MAX_EMBED_SIZE_EXCEEDED",
        message: `Embed size exceeds maximum size of ${MAX_EMBED_TOTAL}`,
      });
    }
  }
  if (Array.isArray(message.choices)) {
    message.choices.forEach((choice, index) => {
      if (isObject(choice) && typeof choice.value === "string" && choice.value.length > MAX_CHOICE_VALUE) {
        violations.push(tooLong(`${path}/choices/${index}/value`, MAX_CHOICE_VALUE));
      }
    });
  }
  return violations;
}

function embedText(embed: unknown): number {
  if (!isObject(embed)) return 0;
  const text = (value: unknown) => typeof value === "string" ? value.length : 0;
  const fields = Array.isArray(embed.fields) ? embed.fields : [];
  return text(embed.title) + text(embed.description) +
    (isObject(embed.footer) ? text(embed.footer.text) : 0) +
    (isObject(embed.author) ? text(embed.author.name) : 0) +
    fields.reduce(
      (sum: number, field) => sum + (isObject(field) ? text(field.name) + text(field.value) : 0),
      0,
    );
}

function tooLong(path: string, max: number): Violation {
  return { path, code: "BASE_TYPE_MAX_LENGTH", message: `Must be ${max} or fewer in length.` };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

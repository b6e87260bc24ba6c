/**
 * Discord's limits on what a bot sends, applied in one place to every reply and message: a body over any
 * of them is refused whole, so a long title would otherwise cost the user their answer. Every message also
 * carries empty `allowedMentions`: text from outside (a title with `@everyone`) must never ping anyone.
 */
import type { InteractionCallbackData } from "discordeno";

/** Discord's documented limits, in UTF-16 code units as Discord counts them. */
export const DISCORD_LIMITS = {
  content: 2000,
  embeds: 10,
  embedTitle: 256,
  embedDescription: 4096,
  fields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footerText: 2048,
  authorName: 256,
  embedTotal: 6000,
  choices: 25,
  choiceName: 100,
  choiceValue: 100,
  buttonLabel: 80,
} as const;

type Body = InteractionCallbackData;
type Embed = NonNullable<Body["embeds"]>[number];
type Choice = { name: string; value: string };

/** `text` cut to at most `max` code units, never inside a surrogate pair, with "…" when cut. */
export function cutText(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max - 1;
  // A high surrogate at the cut would leave half a character.
  if (end > 0 && /[\uD800-\uDBFF]/.test(text[end - 1])) end--;
  return `${text.slice(0, end)}…`;
}

/** The body within every limit, with mentions off; autocomplete choices are fitted too. */
export function fitMessage(body: Body): Body {
  const fitted: Body = { ...body, allowedMentions: { parse: [] } };
  if (typeof body.content === "string") fitted.content = cutText(body.content, DISCORD_LIMITS.content);
  if (body.embeds) fitted.embeds = fitEmbeds(body.embeds);
  if (body.choices) fitted.choices = fitChoices(body.choices as Choice[]);
  if (body.components) fitted.components = body.components.map(fitComponent);
  return fitted;
}

/** At most 25 choices, names cut to 100; a value over 100 cannot be cut (it would name something else). */
export function fitChoices(choices: readonly Choice[]): Choice[] {
  return choices
    .filter((choice) => choice.value.length <= DISCORD_LIMITS.choiceValue)
    .slice(0, DISCORD_LIMITS.choices)
    .map((choice) => ({ ...choice, name: cutText(choice.name, DISCORD_LIMITS.choiceName) || "…" }));
}

function fitEmbeds(embeds: readonly Embed[]): Embed[] {
  const fitted = embeds.slice(0, DISCORD_LIMITS.embeds).map(fitEmbed);
  // The total over all embeds: drop trailing fields first, then shorten descriptions.
  for (const embed of fitted.toReversed()) {
    while (embedsTotal(fitted) > DISCORD_LIMITS.embedTotal && embed.fields?.length) embed.fields.pop();
    const excess = embedsTotal(fitted) - DISCORD_LIMITS.embedTotal;
    if (excess > 0 && embed.description) {
      embed.description = cutText(embed.description, Math.max(1, embed.description.length - excess - 1));
    }
  }
  return fitted;
}

function fitEmbed(embed: Embed): Embed {
  const fitted: Embed = { ...embed };
  if (embed.title !== undefined) fitted.title = cutText(embed.title, DISCORD_LIMITS.embedTitle);
  if (embed.description !== undefined) {
    fitted.description = cutText(embed.description, DISCORD_LIMITS.embedDescription);
  }
  if (embed.footer) {
    fitted.footer = { ...embed.footer, text: cutText(embed.footer.text, DISCORD_LIMITS.footerText) };
  }
  if (embed.author) {
    fitted.author = { ...embed.author, name: cutText(embed.author.name, DISCORD_LIMITS.authorName) };
  }
  if (embed.fields) {
    fitted.fields = embed.fields.slice(0, DISCORD_LIMITS.fields).map((field) => ({
      ...field,
      name: cutText(field.name, DISCORD_LIMITS.fieldName),
      value: cutText(field.value, DISCORD_LIMITS.fieldValue),
    }));
  }
  return fitted;
}

function embedsTotal(embeds: readonly Embed[]): number {
  return embeds.reduce(
    (sum, embed) =>
      sum + (embed.title?.length ?? 0) + (embed.description?.length ?? 0) + (embed.footer?.text.length ?? 0) +
      (embed.author?.name.length ?? 0) +
      (embed.fields ?? []).reduce((total, field) => total + field.name.length + field.value.length, 0),
    0,
  );
}

type Component = NonNullable<Body["components"]>[number];

/** Button labels in action rows, cut to 80. */
function fitComponent(component: Component): Component {
  const row = component as { components?: { label?: string }[] };
  if (!Array.isArray(row.components)) return component;
  return {
    ...component,
    components: row.components.map((child) =>
      typeof child.label === "string"
        ? { ...child, label: cutText(child.label, DISCORD_LIMITS.buttonLabel) }
        : child
    ),
  } as Component;
}

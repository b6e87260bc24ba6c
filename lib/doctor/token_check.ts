/**
 * The token, tried with one REST call (the application behind it) through DISCORD_API_URL, by the bot's
 * own REST client, and judged by the same rules as at start-up: 401 is a bad token, no answer or a 5xx
 * means Discord could not be reached.
 */
import { createRestManager } from "discordeno";
import type { Config } from "../../config.ts";
import { restOptions } from "../discord/discord_client.ts";
import { inviteLink } from "../discord/invite_link.ts";
import { restRefusalMessage, unreachableReason } from "../discord/rest_refusal.ts";
import { type CheckResult, ok, problem } from "./check_result.ts";

/** Asks Discord who the token belongs to; the answer never includes the token itself. */
export async function checkToken(
  config: Pick<Config, "discordToken" | "discordApiUrl">,
): Promise<CheckResult> {
  const rest = createRestManager({ ...restOptions(config), logger: silent });
  try {
    const application = await rest.getApplicationInfo();
    const id = String(application.id);
    return ok("Discord token", `accepted for "${application.name}"; invite it with ${inviteLink(id)}`);
  } catch (error) {
    const refusal = restRefusalMessage(error);
    if (refusal !== null) {
      const [detail, ...fix] = refusal.split(". ");
      return problem("Discord token", "fail", `${detail}.`, fix.join(". "));
    }
    const unreachable = unreachableReason(error);
    if (unreachable !== null) {
      return problem(
        "Discord token",
        "warn",
        `Discord could not be reached at "${config.discordApiUrl}" (${unreachable}), so the token is untested.`,
        "Check the network (and DISCORD_API_URL if set); the bot itself waits until Discord answers.",
      );
    }
    const status = (error as { cause?: { status?: number } }).cause?.status;
    return problem(
      "Discord token",
      "fail",
      `Discord answered the token check with ${status ? `HTTP ${status}` : (error as Error).message}.`,
      "Check DISCORD_API_URL.",
    );
  }
}

const silent = { debug() {}, info() {}, warn() {}, error() {}, fatal() {} };

/**
 * How start-up reads REST failures, on the errors Discordeno really throws: a fake Discord answering 401
 * or 503, a port where nothing listens, and the shape of its queued-request errors (status 999).
 */
import assert from "node:assert/strict";
import { createRestManager } from "discordeno";
import { restRefusalMessage, unreachableReason } from "../../../lib/discord/rest_refusal.ts";

const silent = { debug() {}, info() {}, warn() {}, error() {}, fatal() {} };
const TOKEN = `${btoa("123456789012345678")}.ZmFrZQ.c2VjcmV0`;

/** The error Discordeno's REST client throws for one GET against a server answering `status`. */
async function errorFrom(status: number | "closed"): Promise<unknown> {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, () => {
    return Response.json({ message: "fake", code: 0 }, { status: status === "closed" ? 500 : status });
  });
  const port = server.addr.port;
  if (status === "closed") await server.shutdown();
  const rest = createRestManager({
    token: TOKEN,
    proxy: { baseUrl: `http://127.0.0.1:${port}/api` },
    logger: silent,
  });
  try {
    await rest.getApplicationInfo();
    return undefined;
  } catch (error) {
    return error;
  } finally {
    if (status !== "closed") await server.shutdown();
  }
}

Deno.test("401 is a refusal for good, with what to do, and is not waited out", async () => {
  const error = await errorFrom(401);
  assert.match(restRefusalMessage(error)!, /rejected the bot token .*DISCORD_TOKEN/);
  assert.equal(unreachableReason(error), null);
});

Deno.test("a 5xx means Discord could not serve us now: waited out", async () => {
  const error = await errorFrom(503);
  assert.equal(unreachableReason(error), "HTTP 503");
  assert.equal(restRefusalMessage(error), null);
});

Deno.test("a refused connection is waited out, with a short reason", async () => {
  const error = await errorFrom("closed");
  assert.equal(unreachableReason(error), "connection refused");
  assert.equal(restRefusalMessage(error), null);
});

Deno.test("a request that got no answer (Discordeno's status 999) is waited out", () => {
  const error = new Error("Failed to send request to discord.", { cause: { ok: false, status: 999 } });
  assert.equal(unreachableReason(error), "no answer");
});

Deno.test("a DNS failure is named as one (Deno's fetch keeps the reason in its cause)", () => {
  const error = new TypeError("fetch failed", {
    cause: new Error(
      "error sending request for url (https://discord.invalid/api/v10/gateway/bot): client error (Connect): " +
        "dns error: failed to lookup address information: Name or service not known",
    ),
  });
  assert.equal(unreachableReason(error), "dns error");
});

Deno.test("other answers (a 400, a 404) and bugs are neither refusals nor outages", async () => {
  for (const status of [400, 404]) {
    const error = await errorFrom(status);
    assert.equal(unreachableReason(error), null, String(status));
    assert.equal(restRefusalMessage(error), null, String(status));
  }
  assert.equal(unreachableReason(new RangeError("a bug")), null);
  assert.equal(unreachableReason(null), null);
});

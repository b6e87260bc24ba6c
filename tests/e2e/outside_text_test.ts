/**
 * Text from outside is bounded where it enters: a page whose title is 70,000 characters (and starts with
 * `@everyone`) plays, every reply and message about it fits Discord's limits and pings nobody, and a bot
 * killed with SIGKILL mid-track resumes that same track after a restart.
 */
import assert from "node:assert/strict";
import { answerText, firstResponse } from "./bot_answers.ts";
import { addTone } from "./media_library.ts";
import { packetsFor, waitForTone } from "./received_audio.ts";
import { worldTest } from "./with_world.ts";

const TITLE = `@everyone ${"Very long title ".repeat(4_375)}`;

/** Message bodies the bot sent: interaction responses, edits, follow-ups and channel messages. */
function messageBodies(requests: readonly { method: string; path: string; body: unknown }[]) {
  return requests.flatMap((request) => {
    if (request.method !== "POST" && request.method !== "PATCH") return [];
    if (!/^\/(interactions|webhooks|channels)\//.test(request.path)) return [];
    const body = request.body as Record<string, unknown> | undefined;
    if (body === undefined) return [];
    const message = request.path.endsWith("/callback") ? body.data as Record<string, unknown> : body;
    return message === undefined || "choices" in message ? [] : [{ path: request.path, message }];
  });
}

worldTest(
  "a 70,000-character page title: every reply fits Discord and pings nobody; kill -9 resumes that track",
  async (world) => {
    assert.ok(TITLE.length >= 70_000);
    const audioUrl = await addTone(world, "page-audio.mp3", 500, 14);
    const page = `<!DOCTYPE html><html><head><title>${TITLE}</title></head><body>` +
      `<audio src="${audioUrl}"></audio></body></html>`;
    const pageUrl = world.media.add("long-title.html", new TextEncoder().encode(page), "text/html");
    const first = await world.startBot();

    const reply = await answerText(world.play(pageUrl));
    assert.match(reply, /Very long title/);
    assert.ok(reply.length <= 2000, `the reply is ${reply.length} characters`);
    await world.voice.waitUntil(
      () => world.voice.audioPackets().length >= packetsFor(6),
      60_000,
      "six seconds of the track",
    );
    await firstResponse(world.discord.sendCommand({ name: "nowplaying", userId: world.alice }));
    await answerText(world.discord.sendCommand({ name: "queue", userId: world.alice }));
    await first.kill();

    const restartedAt = Date.now();
    await world.startBot();
    const resumed = await world.discord.waitForChannelMessage(
      (m) => /carrying on with/.test(String(m.body.content)),
      30_000,
    );
    assert.match(String(resumed.body.content), /Very long title/, "the same track is resumed");
    await waitForTone(world.voice, restartedAt, 500, { candidatesHz: [500], dir: world.dataDir });

    assert.deepEqual(world.discord.rejections, [], "Discord refused nothing the bot sent");
    const bodies = messageBodies(world.discord.requests);
    assert.ok(bodies.length >= 4, `replies and messages were sent: ${bodies.length}`);
    for (const { path, message } of bodies) {
      const content = typeof message.content === "string" ? message.content : "";
      assert.ok(content.length <= 2000, `${path}: ${content.length} characters`);
      if (content !== "" || Array.isArray(message.embeds)) {
        assert.deepEqual(message.allowed_mentions, { parse: [] }, `${path} may not ping anyone`);
      }
    }
    assert.ok(!world.botOutput.includes("too large"), "every part of the state was saved");
  },
);

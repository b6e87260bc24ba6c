/**
 * A direct media link is recognised by the bot's own guarded request: its type says media, its ID3 tags
 * or its file name give the title; a page, a dead link or a non-media answer is left to yt-dlp, and a
 * private address is refused as before.
 */
import assert from "node:assert/strict";
import { id3Title, MAX_TITLE_LENGTH, probeDirectMedia } from "../../../lib/sources/direct_media.ts";
import { UserError } from "../../../lib/user_error.ts";

/** An ID3v2.3 tag holding these text frames (UTF-8 encoded), then some audio-ish bytes. */
function id3(frames: Record<string, string>): Uint8Array<ArrayBuffer> {
  const bodies = Object.entries(frames).map(([id, text]) => {
    const body = new Uint8Array([3, ...new TextEncoder().encode(text)]);
    const header = new Uint8Array(10);
    header.set(new TextEncoder().encode(id), 0);
    new DataView(header.buffer).setUint32(4, body.length);
    return [...header, ...body];
  }).flat();
  const size = bodies.length;
  const tag = [
    0x49,
    0x44,
    0x33,
    3,
    0,
    0,
    (size >> 21) & 127,
    (size >> 14) & 127,
    (size >> 7) & 127,
    size & 127,
  ];
  return new Uint8Array([...tag, ...bodies, 0xff, 0xfb, 0x90, 0x00]);
}

Deno.test("ID3 tags give 'Artist - Title', or the title alone; other bytes give nothing", () => {
  assert.equal(id3Title(id3({ TIT2: "Morning Hum", TPE1: "The Tones" })), "The Tones - Morning Hum");
  assert.equal(id3Title(id3({ TIT2: "Alone" })), "Alone");
  assert.equal(id3Title(id3({ TPE1: "Nobody" })), undefined);
  assert.equal(id3Title(new TextEncoder().encode("<html>")), undefined);
});

Deno.test("the probe tells media from pages, and titles media by tags or file name", async () => {
  const long = "x".repeat(500);
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (request) => {
    const path = new URL(request.url).pathname;
    if (path === "/tagged.mp3") {
      return new Response(id3({ TIT2: "Tagged Song", TPE1: "Artist" }), {
        headers: { "content-type": "audio/mpeg" },
      });
    }
    if (path === "/My%20Song_live.ogg") {
      return new Response(new Uint8Array(10), { headers: { "content-type": "audio/ogg" } });
    }
    if (path === `/${long}.mp3`) {
      return new Response(new Uint8Array(10), { headers: { "content-type": "audio/mpeg" } });
    }
    if (path === "/page.html") {
      return new Response("<html></html>", { headers: { "content-type": "text/html" } });
    }
    return new Response("Not found", { status: 404 });
  });
  const base = `http://127.0.0.1:${server.addr.port}`;
  const allow = { allowPrivate: true };
  const signal = new AbortController().signal;
  try {
    const tagged = await probeDirectMedia(new URL(`${base}/tagged.mp3`), allow, signal);
    assert.deepEqual(tagged, {
      source: { kind: "url", url: `${base}/tagged.mp3` },
      title: "Artist - Tagged Song",
      url: `${base}/tagged.mp3`,
    });
    assert.equal(
      (await probeDirectMedia(new URL(`${base}/My%20Song_live.ogg`), allow, signal))?.title,
      "My Song live",
    );
    const bounded = await probeDirectMedia(new URL(`${base}/${long}.mp3`), allow, signal);
    assert.equal([...bounded!.title].length, MAX_TITLE_LENGTH);
    assert.equal(await probeDirectMedia(new URL(`${base}/page.html`), allow, signal), undefined, "a page");
    assert.equal(
      await probeDirectMedia(new URL(`${base}/gone.mp3`), allow, signal),
      undefined,
      "a dead link",
    );
    await assert.rejects(
      probeDirectMedia(new URL(`${base}/tagged.mp3`), { allowPrivate: false }, signal),
      (error: unknown) => error instanceof UserError,
      "a private address is refused by the egress guard",
    );
  } finally {
    await server.shutdown();
  }
});

Deno.test("an internet radio's answer is live; a file that states its length, or answers the range, is not", async () => {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (request) => {
    const path = new URL(request.url).pathname;
    const audio = { "content-type": "audio/mpeg" };
    // A body streamed without a length: what a radio sends, whatever range was asked for.
    const endless = () =>
      new ReadableStream({ pull: (controller) => controller.enqueue(new Uint8Array(1024)) });
    if (path === "/radio") return new Response(endless(), { headers: audio });
    if (path === "/icecast") return new Response(endless(), { headers: { ...audio, "icy-name": "Station" } });
    if (path === "/file.mp3") return new Response(new Uint8Array(10), { headers: audio });
    if (path === "/ranged.mp3") {
      return new Response(endless(), {
        status: 206,
        headers: { ...audio, "content-range": "bytes 0-65535/9999999" },
      });
    }
    return new Response("Not found", { status: 404 });
  });
  const base = `http://127.0.0.1:${server.addr.port}`;
  const probe = (path: string) =>
    probeDirectMedia(new URL(`${base}${path}`), { allowPrivate: true }, new AbortController().signal);
  try {
    assert.equal((await probe("/radio"))?.live, true, "no length, range ignored");
    assert.equal((await probe("/icecast"))?.live, true, "a radio server's own headers");
    assert.equal((await probe("/file.mp3"))?.live, undefined, "a stated length");
    assert.equal((await probe("/ranged.mp3"))?.live, undefined, "the range answered");
  } finally {
    await server.shutdown();
  }
});

import assert from "node:assert/strict";
import { fetchAttachmentText } from "../../../lib/playlists/attachment_text.ts";
import { UserError } from "../../../lib/user_error.ts";

/** Serves `respond` on loopback for the length of `body`. */
async function withServer(respond: () => Response, body: (url: string) => Promise<void>): Promise<void> {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, respond);
  try {
    await body(`http://127.0.0.1:${server.addr.port}/attachments/1/list.txt`);
  } finally {
    await server.shutdown();
  }
}

const ALLOW_LOOPBACK = { allowPrivate: true };

Deno.test("an attached text file is read through the egress guard", async () => {
  await withServer(() => new Response("https://a.example/x\nsome song\n"), async (url) => {
    assert.equal(await fetchAttachmentText(url, ALLOW_LOOPBACK), "https://a.example/x\nsome song\n");
  });
});

Deno.test("an attachment on a private address is refused unless private addresses are allowed", async () => {
  await withServer(() => new Response("x"), async (url) => {
    await assert.rejects(fetchAttachmentText(url, { allowPrivate: false }), (error: Error) => {
      assert.ok(error instanceof UserError);
      assert.match(error.message, /private or local address/);
      return true;
    });
  });
});

Deno.test("a file over the bound is refused, whether or not its length is announced", async () => {
  const big = "a".repeat(2048);
  await withServer(() => new Response(big), async (url) => {
    await assert.rejects(fetchAttachmentText(url, ALLOW_LOOPBACK, 1024), /over 1 KiB/);
  });
  const stream = () =>
    new Response(
      new ReadableStream({
        start(controller) {
          for (let i = 0; i < 4; i++) controller.enqueue(new TextEncoder().encode(big));
          controller.close();
        },
      }),
    );
  await withServer(stream, async (url) => {
    await assert.rejects(fetchAttachmentText(url, ALLOW_LOOPBACK, 4096), /over 4 KiB/);
  });
});

Deno.test("a file that is not UTF-8 text, or not there, gets a clear reply", async () => {
  await withServer(() => new Response(new Uint8Array([0xff, 0xfe, 0x00, 0xd8])), async (url) => {
    await assert.rejects(fetchAttachmentText(url, ALLOW_LOOPBACK), /not plain text/);
  });
  await withServer(() => new Response("gone", { status: 404 }), async (url) => {
    await assert.rejects(fetchAttachmentText(url, ALLOW_LOOPBACK), /server answered 404/);
  });
  await assert.rejects(fetchAttachmentText("file:///etc/passwd", ALLOW_LOOPBACK), /only play http and https/);
});

/**
 * An HTTP GET the way yt-dlp makes it behind `--proxy http://…`: the absolute URL goes to the proxy
 * (`GET http://host/path HTTP/1.1`), so whatever rule the proxy enforces applies to the fake as well.
 * Without a proxy it asks the host directly. Small test files only: the whole answer is kept in memory.
 */

/** A finished HTTP exchange. */
export interface HttpAnswer {
  status: number;
  statusText: string;
  body: Uint8Array;
}

const LATIN1 = new TextDecoder("latin1");

/** GETs an http:// URL, through the forward proxy at `proxyUrl` when given. */
export async function proxiedGet(target: string, proxyUrl?: string): Promise<HttpAnswer> {
  const url = new URL(target);
  if (url.protocol !== "http:") throw new Error(`Only http:// media is supported, not ${url.protocol}`);
  const via = proxyUrl === undefined ? url : new URL(proxyUrl);
  const conn = await Deno.connect({ hostname: via.hostname, port: Number(via.port || 80) });
  const path = proxyUrl === undefined ? `${url.pathname}${url.search}` : url.href;
  const head = `GET ${path} HTTP/1.1\r\nHost: ${url.host}\r\nUser-Agent: fake-yt-dlp\r\n` +
    "Accept: */*\r\nConnection: close\r\n\r\n";
  const writer = conn.writable.getWriter();
  await writer.write(new TextEncoder().encode(head));
  writer.releaseLock();
  // Reading to the end also closes the connection.
  const raw = new Uint8Array(await new Response(conn.readable).arrayBuffer());
  return parseAnswer(raw);
}

function parseAnswer(raw: Uint8Array): HttpAnswer {
  const text = LATIN1.decode(raw);
  const end = text.indexOf("\r\n\r\n");
  if (end === -1) throw new Error("The server closed the connection before a complete answer");
  const [statusLine, ...headerLines] = text.slice(0, end).split("\r\n");
  const match = /^HTTP\/1\.[01] (\d{3}) ?(.*)$/.exec(statusLine);
  if (match === null) throw new Error(`Not an HTTP answer: ${JSON.stringify(statusLine)}`);
  const headers = new Map(headerLines.map((line) => {
    const colon = line.indexOf(":");
    return [line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()] as const;
  }));
  const rest = raw.subarray(end + 4);
  const length = headers.get("content-length");
  const body = headers.get("transfer-encoding")?.toLowerCase() === "chunked"
    ? unchunk(rest)
    : length === undefined
    ? rest
    : rest.subarray(0, Number(length));
  return { status: Number(match[1]), statusText: match[2], body };
}

function unchunk(data: Uint8Array): Uint8Array {
  const parts: Uint8Array[] = [];
  let offset = 0;
  while (offset < data.length) {
    const lineEnd = LATIN1.decode(data.subarray(offset, offset + 32)).indexOf("\r\n");
    if (lineEnd === -1) break;
    const size = parseInt(LATIN1.decode(data.subarray(offset, offset + lineEnd)), 16);
    if (!(size > 0)) break;
    const start = offset + lineEnd + 2;
    parts.push(data.subarray(start, start + size));
    offset = start + size + 2;
  }
  const joined = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    joined.set(part, at);
    at += part.length;
  }
  return joined;
}

/**
 * GETs an http:// URL like `proxiedGet`, but streams the body into `sink` as it arrives, for a live stream
 * that never ends (yt-dlp's `-o -`); a chunked body is unchunked on the way.
 */
export async function proxiedStream(
  target: string,
  proxyUrl: string | undefined,
  sink: WritableStream<Uint8Array>,
): Promise<number> {
  const url = new URL(target);
  if (url.protocol !== "http:") throw new Error(`Only http:// media is supported, not ${url.protocol}`);
  const via = proxyUrl === undefined ? url : new URL(proxyUrl);
  const conn = await Deno.connect({ hostname: via.hostname, port: Number(via.port || 80) });
  const path = proxyUrl === undefined ? `${url.pathname}${url.search}` : url.href;
  const head = `GET ${path} HTTP/1.0\r\nHost: ${url.host}\r\nUser-Agent: fake-yt-dlp\r\nAccept: */*\r\n\r\n`;
  const writer = conn.writable.getWriter();
  await writer.write(new TextEncoder().encode(head));
  writer.releaseLock();
  const reader = conn.readable.getReader();
  let raw = new Uint8Array();
  while (true) {
    const end = LATIN1.decode(raw).indexOf("\r\n\r\n");
    if (end >= 0) {
      const headText = LATIN1.decode(raw.subarray(0, end));
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(headText)?.[1]);
      if (status !== 200) return status;
      const chunked = /^transfer-encoding:\s*chunked/im.test(headText);
      const leftover = raw.slice(end + 4);
      const source = new ReadableStream<Uint8Array>({
        start(controller) {
          if (leftover.length > 0) controller.enqueue(leftover);
        },
        async pull(controller) {
          const { done, value } = await reader.read();
          if (done) controller.close();
          else controller.enqueue(value);
        },
        cancel: () => reader.cancel(),
      });
      await source.pipeThrough(new TransformStream(chunked ? unchunker() : {})).pipeTo(sink);
      return status;
    }
    const { done, value } = await reader.read();
    if (done) throw new Error("The server closed the connection before a complete answer");
    const joined = new Uint8Array(raw.length + value.length);
    joined.set(raw);
    joined.set(value, raw.length);
    raw = joined;
  }
}

/** Takes a chunked body apart as it streams: size line, that many bytes, CRLF, and again. */
function unchunker(): Transformer<Uint8Array, Uint8Array> {
  let pending = new Uint8Array();
  let remaining = -1;
  return {
    transform(chunk, controller) {
      const joined = new Uint8Array(pending.length + chunk.length);
      joined.set(pending);
      joined.set(chunk, pending.length);
      let offset = 0;
      while (offset < joined.length) {
        if (remaining < 0) {
          const lineEnd = LATIN1.decode(joined.subarray(offset, offset + 32)).indexOf("\r\n");
          if (lineEnd === -1) break;
          remaining = parseInt(LATIN1.decode(joined.subarray(offset, offset + lineEnd)), 16);
          offset += lineEnd + 2;
          if (remaining === 0) return controller.terminate();
        }
        const take = Math.min(remaining, joined.length - offset);
        if (take > 0) controller.enqueue(joined.slice(offset, offset + take));
        offset += take;
        remaining -= take;
        if (remaining > 0) break;
        if (joined.length - offset < 2) break;
        offset += 2;
        remaining = -1;
      }
      pending = joined.slice(offset);
    },
  };
}

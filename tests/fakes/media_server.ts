/** A local web server for test audio: serves files by name and counts every request it gets. */

/** A running media server. */
export interface MediaServer {
  /** `http://127.0.0.1:PORT`. */
  readonly url: string;
  /** Every request path, in arrival order. */
  readonly requests: readonly string[];
  /** Serves `body` at `/name` from now on. */
  add(name: string, body: Uint8Array, contentType?: string): string;
  /** Requests for `/name` wait until `release` settles before they are answered (a slow server). */
  hold(name: string, release: Promise<void>): void;
  /**
   * Serves `body` at `/name` over and over without end and without a Content-Length, like an internet
   * radio, `bytesPerSecond` at most; each response stops when the client goes or the server closes.
   */
  addEndless(name: string, body: Uint8Array, bytesPerSecond: number): string;
  /** Bytes sent so far by the endless responses of `/name`. */
  endlessBytesSent(name: string): number;
  /** How many requests asked for `/name` (with a User-Agent matching `userAgent`, if given). */
  count(name: string, userAgent?: RegExp): number;
  /** How many requests for `/name` asked for the whole file (no Range header: not a look at its first bytes). */
  wholeFileRequests(name: string, userAgent?: RegExp): number;
  close(): Promise<void>;
}

/** Starts a media server on loopback; unknown paths answer 404. */
export function startMediaServer(): MediaServer {
  const files = new Map<string, { body: Uint8Array; contentType: string }>();
  const holds = new Map<string, Promise<void>>();
  const endless = new Map<string, { body: Uint8Array; bytesPerSecond: number; sent: number }>();
  const closing = new AbortController();
  const requests: string[] = [];
  const userAgents: string[] = [];
  const ranged: boolean[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (request) => {
    const path = new URL(request.url).pathname;
    requests.push(path);
    userAgents.push(request.headers.get("user-agent") ?? "");
    ranged.push(request.headers.has("range"));
    await holds.get(path);
    const stream = endless.get(path);
    if (stream) return endlessResponse(stream, closing.signal);
    const file = files.get(path);
    if (!file) return new Response("Not found", { status: 404 });
    return new Response(file.body.slice(), { headers: { "content-type": file.contentType } });
  });
  const url = `http://127.0.0.1:${server.addr.port}`;
  return {
    url,
    requests,
    add(name, body, contentType = "audio/mpeg") {
      files.set(`/${name}`, { body, contentType });
      return `${url}/${name}`;
    },
    hold: (name, release) => void holds.set(`/${name}`, release),
    addEndless(name, body, bytesPerSecond) {
      endless.set(`/${name}`, { body, bytesPerSecond, sent: 0 });
      return `${url}/${name}`;
    },
    endlessBytesSent: (name) => endless.get(`/${name}`)?.sent ?? 0,
    count: (name, userAgent) =>
      requests.filter((path, i) => path === `/${name}` && (!userAgent || userAgent.test(userAgents[i])))
        .length,
    wholeFileRequests: (name, userAgent) =>
      requests.filter((path, i) =>
        path === `/${name}` && !ranged[i] && (!userAgent || userAgent.test(userAgents[i]))
      ).length,
    close: () => {
      closing.abort();
      return server.shutdown();
    },
  };
}

/** `stream.body` repeated, in slices paced to `bytesPerSecond`, until the client or the server goes. */
function endlessResponse(
  stream: { body: Uint8Array; bytesPerSecond: number; sent: number },
  closing: AbortSignal,
): Response {
  const slice = Math.max(1, Math.round(stream.bytesPerSecond / 10));
  let offset = 0;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (closing.aborted) return controller.close();
      const end = Math.min(offset + slice, stream.body.length);
      controller.enqueue(stream.body.slice(offset, end));
      stream.sent += end - offset;
      offset = end % stream.body.length;
      await new Promise((resolve) => setTimeout(resolve, 100));
    },
  });
  return new Response(body, { headers: { "content-type": "audio/mpeg" } });
}

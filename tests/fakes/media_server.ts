/** A local web server for test audio: serves files by name and counts every request it gets. */

/** A running media server. */
export interface MediaServer {
  /** `http://127.0.0.1:PORT`. */
  readonly url: string;
  /** Every request path, in arrival order. */
  readonly requests: readonly string[];
  /** Serves `body` at `/name` from now on. */
  add(name: string, body: Uint8Array, contentType?: string): string;
  /** How many requests asked for `/name` (with a User-Agent matching `userAgent`, if given). */
  count(name: string, userAgent?: RegExp): number;
  /** How many requests for `/name` asked for the whole file (no Range header: not a look at its first bytes). */
  wholeFileRequests(name: string, userAgent?: RegExp): number;
  close(): Promise<void>;
}

/** Starts a media server on loopback; unknown paths answer 404. */
export function startMediaServer(): MediaServer {
  const files = new Map<string, { body: Uint8Array; contentType: string }>();
  const requests: string[] = [];
  const userAgents: string[] = [];
  const ranged: boolean[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (request) => {
    const path = new URL(request.url).pathname;
    requests.push(path);
    userAgents.push(request.headers.get("user-agent") ?? "");
    ranged.push(request.headers.has("range"));
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
    count: (name, userAgent) =>
      requests.filter((path, i) => path === `/${name}` && (!userAgent || userAgent.test(userAgents[i])))
        .length,
    wholeFileRequests: (name, userAgent) =>
      requests.filter((path, i) =>
        path === `/${name}` && !ranged[i] && (!userAgent || userAgent.test(userAgents[i]))
      ).length,
    close: () => server.shutdown(),
  };
}

import { applicationRoutes } from "./application_routes.ts";
import { channelRoutes } from "./channel_routes.ts";
import { interactionRoutes } from "./interaction_routes.ts";
import { invalidFormBody, type OpenApiValidator, type Violation } from "./openapi_validator.ts";
import { Recorder } from "./recorder.ts";
import type { RestReply, RestRoute, RestState } from "./rest_route.ts";

/** Every request is recorded with its answer's status. */
export interface RecordedRequest {
  readonly method: string;
  /** The route below `/api/v10`, e.g. `/applications/1/commands`. */
  readonly path: string;
  readonly query: string;
  readonly body: unknown;
  /** Files of a multipart upload (`files[n]` parts), as Discord would attach them. */
  readonly files: readonly UploadedFile[];
  readonly status: number;
  /** When it arrived, ms since the epoch: how often the bot edits a message is a Discord limit. */
  readonly at: number;
}

/** One file the bot uploaded. */
export interface UploadedFile {
  readonly field: string;
  readonly name: string;
  readonly text: string;
}

/** A request refused as "Invalid Form Body". */
export interface Rejection {
  readonly method: string;
  readonly path: string;
  readonly body: unknown;
  readonly violations: readonly Violation[];
}

const API_PREFIX = "/api/v10";

/** Discord's REST API (v10) on a loopback port, under `/api`. */
export class FakeRest {
  readonly requests: Recorder<RecordedRequest> = new Recorder();
  readonly rejections: Recorder<Rejection> = new Recorder();
  readonly #token: string;
  readonly #validator: OpenApiValidator | null;
  readonly #routes: RestRoute[];
  readonly #server: Deno.HttpServer<Deno.NetAddr>;
  /** Files users attached to commands, served as Discord's CDN would serve them. */
  readonly #attachments = new Map<string, { name: string; bytes: Uint8Array }>();

  /** Serves `state`; bodies are checked against `validator` when given. */
  constructor(state: RestState, token: string, validator: OpenApiValidator | null) {
    this.#token = token;
    this.#validator = validator;
    this.#routes = [...applicationRoutes(state), ...interactionRoutes(state), ...channelRoutes(state)];
    this.#server = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen: () => {} },
      (request) => this.#serve(request),
    );
  }

  /** The base URL to give Discordeno as `rest.proxy.baseUrl` (it appends `/v10` and the route). */
  get apiUrl(): string {
    return `http://127.0.0.1:${this.#server.addr.port}/api`;
  }

  /** Serves `bytes` at a loopback address, as Discord's CDN serves an attachment; returns the address. */
  serveAttachment(id: string, name: string, bytes: Uint8Array): string {
    this.#attachments.set(id, { name, bytes });
    return `http://127.0.0.1:${this.#server.addr.port}/attachments/${id}/${encodeURIComponent(name)}`;
  }

  /** Stops listening. */
  async close(): Promise<void> {
    await this.#server.shutdown();
  }

  async #serve(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const attachment = /^\/attachments\/(\d+)\//.exec(url.pathname);
    if (attachment && request.method === "GET") {
      const file = this.#attachments.get(attachment[1]);
      if (!file) return new Response("Not found", { status: 404 });
      return new Response(file.bytes as Uint8Array<ArrayBuffer>, {
        headers: { "content-type": "text/plain" },
      });
    }
    const path = url.pathname.startsWith(API_PREFIX) ? url.pathname.slice(API_PREFIX.length) : url.pathname;
    const { body, files } = await readBody(request);
    const answer = this.#answer(request, path, url.searchParams, body, files);
    this.requests.push({
      method: request.method,
      path,
      query: url.search,
      body,
      files,
      status: answer.status,
      at: Date.now(),
    });
    if (answer.body === undefined) return new Response(null, { status: answer.status });
    return Response.json(answer.body, { status: answer.status });
  }

  #answer(
    request: Request,
    path: string,
    query: URLSearchParams,
    body: unknown,
    files: readonly UploadedFile[],
  ): RestReply {
    const found = this.#route(request.method, path);
    if (!found) return { status: 404, body: { message: "404: Not Found", code: 0 } };
    const [route, params] = found;
    if (route.auth && request.headers.get("authorization") !== `Bot ${this.#token}`) {
      return { status: 401, body: { message: "401: Unauthorized", code: 0 } };
    }
    const violations = this.#violations(request.method, path, body, route);
    if (violations.length > 0) {
      this.rejections.push({ method: request.method, path, body, violations });
      return { status: 400, body: invalidFormBody(violations) };
    }
    return route.handle({ method: request.method, path, params, query, body, files });
  }

  #route(method: string, path: string): [RestRoute, Record<string, string>] | undefined {
    for (const route of this.#routes) {
      const match = route.method === method ? route.pattern.exec(path) : null;
      if (match) {
        return [
          route,
          Object.fromEntries(route.keys.map((key, i) => [key, decodeURIComponent(match[i + 1])])),
        ];
      }
    }
    return undefined;
  }

  #violations(method: string, path: string, body: unknown, route: RestRoute): Violation[] {
    if (body === undefined) return [];
    const schemaViolations = this.#validator?.validate(method, path, body) ?? [];
    return [...schemaViolations, ...(route.rules?.(body) ?? [])];
  }
}

/**
 * The JSON body, or `payload_json` of a multipart body (how Discordeno sends files) with the files beside
 * it; the body is undefined if there is none.
 */
async function readBody(request: Request): Promise<{ body: unknown; files: UploadedFile[] }> {
  const type = request.headers.get("content-type") ?? "";
  if (type.startsWith("multipart/form-data")) {
    const form = await request.formData();
    const payload = form.get("payload_json");
    const files: UploadedFile[] = [];
    for (const [field, value] of form.entries()) {
      if (value instanceof File) files.push({ field, name: value.name, text: await value.text() });
    }
    return { body: typeof payload === "string" ? JSON.parse(payload) : undefined, files };
  }
  const text = await request.text();
  if (text === "") return { body: undefined, files: [] };
  try {
    return { body: JSON.parse(text), files: [] };
  } catch {
    return { body: text, files: [] };
  }
}

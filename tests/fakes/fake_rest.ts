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
  readonly status: number;
  /** When it arrived, ms since the epoch: how often the bot edits a message is a Discord limit. */
  readonly at: number;
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

  /** Stops listening. */
  async close(): Promise<void> {
    await this.#server.shutdown();
  }

  async #serve(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const path = url.pathname.startsWith(API_PREFIX) ? url.pathname.slice(API_PREFIX.length) : url.pathname;
    const body = await readBody(request);
    const answer = this.#answer(request, path, url.searchParams, body);
    this.requests.push({
      method: request.method,
      path,
      query: url.search,
      body,
      status: answer.status,
      at: Date.now(),
    });
    if (answer.body === undefined) return new Response(null, { status: answer.status });
    return Response.json(answer.body, { status: answer.status });
  }

  #answer(request: Request, path: string, query: URLSearchParams, body: unknown): RestReply {
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
    return route.handle({ method: request.method, path, params, query, body });
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

/** The JSON body, or `payload_json` of a multipart body (how Discordeno sends files); undefined if none. */
async function readBody(request: Request): Promise<unknown> {
  const type = request.headers.get("content-type") ?? "";
  if (type.startsWith("multipart/form-data")) {
    const payload = (await request.formData()).get("payload_json");
    return typeof payload === "string" ? JSON.parse(payload) : undefined;
  }
  const text = await request.text();
  if (text === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

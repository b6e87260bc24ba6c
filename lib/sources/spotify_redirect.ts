/**
 * Aims spotify-web-api-node at configured origins instead of the hosts it hard-codes.
 *
 * spotify-web-api-node 5.0.2 hard-codes its hosts in two tiny modules (webapi-request.js and
 * authentication-request.js) whose exported `builder()` every library method looks up on the module object
 * at call time, then builds and sends the request in the same synchronous call. Wrapping those two exports
 * lets us aim the library at a configured origin (a local stand-in in tests) without forking it. The target
 * sits in a slot that is set only during one synchronous library call, so clients aimed at different origins
 * never mix.
 */
import webApiRequest from "spotify-web-api-node/src/webapi-request.js";
import authenticationRequest from "spotify-web-api-node/src/authentication-request.js";

/** Where one of the library's hosts should point instead. */
export interface HostTarget {
  scheme: string;
  host: string;
  port: number;
}

/** The origins one client uses; a missing one leaves the library's own host. */
export interface HostTargets {
  api?: HostTarget;
  accounts?: HostTarget;
}

interface RequestBuilder {
  withScheme(scheme: string): RequestBuilder;
  withHost(host: string): RequestBuilder;
  withPort(port: number): RequestBuilder;
}
interface BuilderModule {
  builder: (...args: unknown[]) => RequestBuilder;
  [REDIRECTED]?: true;
}

const REDIRECTED = Symbol.for("trazom.spotify_redirected");
let activeTargets: HostTargets | undefined;

function redirectBuilder(module: BuilderModule, which: keyof HostTargets): void {
  if (module[REDIRECTED]) return;
  const original = module.builder;
  module.builder = (...args) => {
    const builder = original(...args);
    const target = activeTargets?.[which];
    return target ? builder.withScheme(target.scheme).withHost(target.host).withPort(target.port) : builder;
  };
  module[REDIRECTED] = true;
}
redirectBuilder(webApiRequest, "api");
redirectBuilder(authenticationRequest, "accounts");

/** Runs one synchronous library call with its requests aimed at `targets`. */
export function withTargets<T>(targets: HostTargets, call: () => T): T {
  activeTargets = targets;
  try {
    return call();
  } finally {
    activeTargets = undefined;
  }
}

/** The target an origin URL names; throws, naming setting `name`, for anything but a bare http(s) origin. */
export function parseOrigin(url: string | undefined, name: string): HostTarget | undefined {
  if (url === undefined) return undefined;
  const parsed = URL.parse(url);
  const ok = parsed && /^https?:$/.test(parsed.protocol) && parsed.pathname === "/" && !parsed.search &&
    !parsed.username;
  if (!ok) throw new Error(`${name} must be an http(s) origin like "http://127.0.0.1:8080", got "${url}"`);
  const scheme = parsed.protocol.slice(0, -1);
  const port = parsed.port ? Number(parsed.port) : scheme === "https" ? 443 : 80;
  return { scheme, host: parsed.hostname, port };
}

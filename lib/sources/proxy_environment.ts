/**
 * Proxy settings of the environment must not steer the bot's own requests: Deno's fetch applies NO_PROXY
 * even to a client made with an explicit proxy (so a matching host would skip the egress guard), and
 * HTTP_PROXY or ALL_PROXY would send requests somewhere the operator did not choose through this bot. They
 * are removed from the process's environment at start, before any request is made.
 */

/** Every variable Deno's HTTP client reads for proxying, in both cases. */
export const PROXY_VARIABLES = [
  "HTTP_PROXY",
  "HTTPS_PROXY",
  "ALL_PROXY",
  "NO_PROXY",
  "http_proxy",
  "https_proxy",
  "all_proxy",
  "no_proxy",
] as const;

/** Removes the proxy variables from this process's environment; throws if it may not (a clear stop). */
export function clearProxyEnvironment(): void {
  for (const name of PROXY_VARIABLES) {
    try {
      Deno.env.delete(name);
    } catch (error) {
      if (error instanceof Deno.errors.NotCapable || error instanceof Deno.errors.PermissionDenied) {
        throw new Error(
          `The bot must be allowed to clear ${name} (add it to --allow-env), so that the environment's ` +
            "proxy settings cannot route its requests around the address guard.",
          { cause: error },
        );
      }
      throw error;
    }
  }
}

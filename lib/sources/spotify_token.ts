/** Keeps one client-credentials token: fetched on first use, shared while fresh, refreshed before expiry. */

/** Hands out a valid token and forgets one the API has refused. */
export interface TokenKeeper {
  get(): Promise<string>;
  invalidate(token: string): void;
}

const REFRESH_MARGIN_MS = 60_000;

/** A keeper over `fetchToken` (Spotify's `{ access_token, expires_in }`); concurrent gets share one fetch. */
export function createTokenKeeper(fetchToken: () => Promise<unknown>, now: () => number): TokenKeeper {
  let current: { value: string; refreshAt: number } | undefined;
  let pending: Promise<string> | undefined;
  const refresh = async () => {
    const body = await fetchToken() as { access_token?: unknown; expires_in?: unknown };
    if (typeof body?.access_token !== "string" || typeof body.expires_in !== "number") {
      throw new Error("Spotify's token answer had no access_token or expires_in");
    }
    const lifetimeMs = body.expires_in * 1000;
    // Short test lifetimes still get most of their life used.
    current = {
      value: body.access_token,
      refreshAt: now() + lifetimeMs - Math.min(REFRESH_MARGIN_MS, lifetimeMs / 10),
    };
    return current.value;
  };
  return {
    get() {
      if (current && now() < current.refreshAt) return Promise.resolve(current.value);
      pending ??= refresh().finally(() => pending = undefined);
      return pending;
    },
    invalidate(token) {
      if (current?.value === token) current = undefined;
    },
  };
}

/**
 * yt-dlp runs that may only reach allowed addresses: each run gets its own egress proxy, so a refusal
 * (a redirect to a private address, say) is explained to the user instead of a generic failure.
 */
import type { AddressPolicy } from "./address_guard.ts";
import { refusalError, startEgressProxy } from "./egress_proxy.ts";
import type { YtdlpCommonOptions } from "./ytdlp_args.ts";
import { explainYtdlpFailure } from "./ytdlp_errors.ts";
import { runYtdlp, ytdlpJson } from "./ytdlp_runner.ts";

/** How every guarded run is made. */
export interface GuardedYtdlpOptions {
  ytdlpPath: string;
  policy: AddressPolicy;
}

type ArgsBuilder = (common: YtdlpCommonOptions) => string[];

/** Runs yt-dlp for JSON through a fresh egress proxy. */
export async function guardedYtdlpJson(
  build: ArgsBuilder,
  options: GuardedYtdlpOptions & { timeoutMs: number; signal?: AbortSignal },
): Promise<unknown> {
  return await throughProxy(
    options.policy,
    (proxy) =>
      ytdlpJson(build({ proxy }), {
        ytdlpPath: options.ytdlpPath,
        timeoutMs: options.timeoutMs,
        signal: options.signal,
      }),
  );
}

/** Runs a yt-dlp download through a fresh egress proxy; rejects with the reason it failed. */
export async function guardedYtdlpRun(
  build: ArgsBuilder,
  options: GuardedYtdlpOptions & { timeoutMs: number; signal?: AbortSignal },
): Promise<void> {
  await throughProxy(options.policy, async (proxy) => {
    const result = await runYtdlp(build({ proxy }), options);
    if (result.code !== 0) throw explainYtdlpFailure(result.stderr, result.code);
  });
}

async function throughProxy<T>(policy: AddressPolicy, run: (proxyUrl: string) => Promise<T>): Promise<T> {
  const proxy = startEgressProxy(policy);
  try {
    return await run(proxy.url);
  } catch (error) {
    throw refusalError(proxy) ?? error;
  } finally {
    await proxy.close();
  }
}

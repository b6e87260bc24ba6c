/**
 * yt-dlp runs that may only reach allowed addresses: each run gets its own egress proxy, so a refusal
 * (a redirect to a private address, say) is explained to the user instead of a generic failure.
 */
import type { AddressPolicy } from "./address_guard.ts";
import { withCookiesCopy } from "./cookies_copy.ts";
import { refusalError, startEgressProxy } from "./egress_proxy.ts";
import type { YtdlpCommonOptions } from "./ytdlp_args.ts";
import { explainYtdlpFailure } from "./ytdlp_errors.ts";
import type { YtdlpOperatorOptions } from "./ytdlp_operator.ts";
import type { YtdlpHelper } from "./ytdlp_helper.ts";
import { runYtdlp, spawnYtdlpStream, ytdlpJson } from "./ytdlp_runner.ts";
import { assertRunnable, probeYtdlpVersion, readYtdlpVersion, type YtdlpVersion } from "./ytdlp_version.ts";
import { toolCaps } from "../process/tool_caps.ts";
import type { ToolPriority } from "../process/tool_slots.ts";

/** How every guarded run is made. */
export interface GuardedYtdlpOptions {
  ytdlpPath: string;
  policy: AddressPolicy;
  /** The operator's cookies file and extra arguments. */
  operator?: YtdlpOperatorOptions;
  /** Warm helpers for `-J` extractions; without them (or where yt_dlp cannot be imported) each run starts yt-dlp. */
  helper?: YtdlpHelper;
}

type ArgsBuilder = (common: YtdlpCommonOptions) => string[];

/** Runs yt-dlp for JSON through a fresh egress proxy. */
export async function guardedYtdlpJson(
  build: ArgsBuilder,
  options: GuardedYtdlpOptions & {
    timeoutMs: number;
    signal?: AbortSignal;
    owner?: string;
    priority?: ToolPriority;
  },
): Promise<unknown> {
  const common = await commonOptions(options);
  return await withCookies(options, common, (withCopy) =>
    throughProxy(options.policy, async (proxy) => {
      const args = build({ ...withCopy, proxy });
      if (options.helper) {
        const { helper, timeoutMs, signal } = options;
        const answer = await toolCaps.ytdlp.run(
          options.priority ?? "now",
          () => helper.extract(args, timeoutMs, signal),
          signal,
          options.owner,
        );
        if ("json" in answer) return answer.json;
        if ("error" in answer) throw explainYtdlpFailure(answer.error, 1);
      }
      return await ytdlpJson(args, {
        ytdlpPath: options.ytdlpPath,
        timeoutMs: options.timeoutMs,
        signal: options.signal,
        owner: options.owner,
      });
    }));
}

/** The installed yt-dlp's version: what a warm helper greeted with, else what `yt-dlp --version` says. */
export async function ytdlpVersion(ytdlpPath: string, helper?: YtdlpHelper): Promise<YtdlpVersion> {
  const warm = await helper?.warm();
  return warm && "version" in warm ? readYtdlpVersion(warm.version) : await probeYtdlpVersion(ytdlpPath);
}

/** Runs a yt-dlp download through a fresh egress proxy; rejects with the reason it failed. */
export async function guardedYtdlpRun(
  build: ArgsBuilder,
  options: GuardedYtdlpOptions & { timeoutMs: number; signal?: AbortSignal },
): Promise<void> {
  const common = await commonOptions(options);
  await withCookies(options, common, (withCopy) =>
    throughProxy(options.policy, async (proxy) => {
      const result = await runYtdlp(build({ ...withCopy, proxy }), options);
      if (result.code !== 0) throw explainYtdlpFailure(result.stderr, result.code);
    }));
}

/**
 * Starts yt-dlp streaming to its stdout through a fresh egress proxy, kept open as long as the stream:
 * `close` kills yt-dlp's process group and closes the proxy.
 */
export async function guardedYtdlpStream(
  build: ArgsBuilder,
  options: GuardedYtdlpOptions & { signal: AbortSignal },
): Promise<{ stdout: ReadableStream<Uint8Array>; close(): Promise<void> }> {
  const common = await commonOptions(options);
  const proxy = startEgressProxy(options.policy);
  try {
    const tool = spawnYtdlpStream(build({ ...common, proxy: proxy.url }), options.ytdlpPath, options.signal);
    return {
      stdout: tool.child.stdout,
      close: async () => {
        tool.kill();
        await proxy.close();
      },
    };
  } catch (error) {
    await proxy.close();
    throw error;
  }
}

/** The settings every run shares: the bot's own Deno for yt-dlp versions that take one, and the operator's. */
async function commonOptions(options: GuardedYtdlpOptions): Promise<YtdlpCommonOptions> {
  const found = await ytdlpVersion(options.ytdlpPath, options.helper);
  assertRunnable(found);
  const denoPath = found.status === "current" ? ownDeno() : undefined;
  return {
    ...(denoPath === undefined ? {} : { denoPath }),
    extraArgs: options.operator?.extraArgs ?? [],
  };
}

/** Runs with a private copy of the operator's cookies file in the options, if there is one. */
function withCookies<T>(
  options: GuardedYtdlpOptions,
  common: YtdlpCommonOptions,
  run: (common: YtdlpCommonOptions) => Promise<T>,
): Promise<T> {
  const operator = options.operator;
  return withCookiesCopy(
    operator?.cookiesPath,
    operator?.privateDir,
    (cookiesPath) => run(cookiesPath === undefined ? common : { ...common, cookiesPath }),
  );
}

/** The running Deno, unless this is a compiled bot: its binary is no JavaScript runtime for yt-dlp. */
function ownDeno(): string | undefined {
  return /deno-compile-/.test(Deno.mainModule) ? undefined : Deno.execPath();
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

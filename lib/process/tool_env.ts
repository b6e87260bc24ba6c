/**
 * The environment an external tool (ffmpeg, yt-dlp and what they start) runs with: never the bot's own,
 * which holds its token and secrets, only what a tool needs to find programs, its home and its locale.
 */

/** Variables copied from the bot's environment, when they are set; nothing else is passed on. */
export const TOOL_ENV_NAMES = ["PATH", "HOME", "LANG", "LC_ALL", "TMPDIR"] as const;

/** The variables every tool gets (a fresh copy), plus `extra`, which the bot sets itself (a proxy, say). */
export function toolEnvironment(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of TOOL_ENV_NAMES) {
    const value = readVariable(name);
    if (value !== undefined) env[name] = value;
  }
  return { ...env, ...extra };
}

function readVariable(name: string): string | undefined {
  try {
    return Deno.env.get(name);
  } catch (error) {
    // Without permission to read it, the tool goes without it, which is what a clean environment means.
    if (error instanceof Deno.errors.NotCapable || error instanceof Deno.errors.PermissionDenied) {
      return undefined;
    }
    throw error;
  }
}

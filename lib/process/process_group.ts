/**
 * Killing a whole process group: a tool and everything it started (yt-dlp and the ffmpeg it runs).
 *
 * `Deno.kill` would do, but it demands run permission for every program, while the bot is granted only its
 * tools by name; libc's kill(2), reached through FFI (which DAVE already needs), has no such demand.
 */

type Killer = (pgid: number) => void;

const SIGKILL = 9;
const ESRCH_MESSAGE = /ESRCH|No such process/i;

let killer: Killer | undefined;

/** Sends SIGKILL to every process in group `pgid`; a group that is already gone is not an error. */
export function killProcessGroup(pgid: number): void {
  if (!Number.isInteger(pgid) || pgid <= 1) throw new Error(`Not a process group id: ${pgid}`);
  killer ??= libcKiller() ?? denoKiller;
  killer(pgid);
}

/** kill(-pgid, SIGKILL) from the C library, or undefined where it cannot be loaded. */
function libcKiller(): Killer | undefined {
  const path = { linux: "libc.so.6", darwin: "/usr/lib/libSystem.B.dylib" }[Deno.build.os as string];
  if (path === undefined) return undefined;
  try {
    const libc = Deno.dlopen(path, { kill: { parameters: ["i32", "i32"], result: "i32" } });
    // A result of -1 means the group is gone (ESRCH) or not ours (EPERM): nothing more can be done.
    return (pgid) => void libc.symbols.kill(-pgid, SIGKILL);
  } catch {
    return undefined;
  }
}

function denoKiller(pgid: number): void {
  try {
    Deno.kill(-pgid, "SIGKILL");
  } catch (error) {
    if (!ESRCH_MESSAGE.test(String(error))) throw error;
  }
}

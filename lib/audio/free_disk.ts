/**
 * Free space on the disk that holds a folder, from libc's statvfs(3) through FFI (which DAVE already needs):
 * Deno has no statfs of its own, and running `df` would need one more program allowed.
 */

/** statvfs's struct on 64-bit Linux: eleven 8-byte fields, then six ints of padding. */
const STATVFS_BYTES = 112;
const FRAGMENT_SIZE_OFFSET = 8;
const AVAILABLE_BLOCKS_OFFSET = 32;

type Statvfs = (path: Uint8Array, out: Uint8Array) => number;

let statvfs: Statvfs | null | undefined;

/** Bytes an unprivileged writer may still use on the disk of `dir`; undefined where it cannot be read. */
export function freeDiskBytes(dir: string): number | undefined {
  statvfs ??= loadStatvfs();
  if (statvfs === null) return undefined;
  const out = new Uint8Array(STATVFS_BYTES);
  if (statvfs(new TextEncoder().encode(dir + "\0"), out) !== 0) return undefined;
  const view = new DataView(out.buffer);
  const fragment = view.getBigUint64(FRAGMENT_SIZE_OFFSET, true);
  const available = view.getBigUint64(AVAILABLE_BLOCKS_OFFSET, true);
  return Number(fragment * available);
}

function loadStatvfs(): Statvfs | null {
  if (Deno.build.os !== "linux" || Deno.build.arch !== "x86_64" && Deno.build.arch !== "aarch64") return null;
  try {
    const libc = Deno.dlopen("libc.so.6", { statvfs: { parameters: ["buffer", "buffer"], result: "i32" } });
    return (path, out) => libc.symbols.statvfs(path, out);
  } catch {
    return null;
  }
}

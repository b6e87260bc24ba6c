/** The cache's file boundary: the few file operations it uses, so tests can make them fail. */

export interface CacheFiles {
  ensureDir(dir: string): Promise<void>;
  list(dir: string): Promise<string[]>;
  sizeOf(path: string): Promise<number | undefined>;
  rename(from: string, to: string): Promise<void>;
  remove(path: string): Promise<void>;
}

/** The real file system. */
export const denoCacheFiles: CacheFiles = {
  ensureDir: (dir) => Deno.mkdir(dir, { recursive: true }),
  list: async (dir) => (await Array.fromAsync(Deno.readDir(dir))).filter((e) => e.isFile).map((e) => e.name),
  sizeOf: async (path) => {
    try {
      return (await Deno.stat(path)).size;
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return undefined;
      throw error;
    }
  },
  rename: (from, to) => Deno.rename(from, to),
  remove: async (path) => {
    try {
      await Deno.remove(path);
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
  },
};

/**
 * A value too large for one Deno KV entry, stored as gzipped JSON cut into slices. Layout for key K:
 * `K` holds the manifest `{ version, chunks, bytes }`, then `[...K, i]` holds slice i of at most 64 000 bytes
 * (KV values stop at 64 KiB). Manifest and slices are set in one atomic commit, so they share one
 * versionstamp, which is how a reader knows it has one whole save.
 */
import { parseChunkManifest, STATE_VERSION } from "./guild_state.ts";

const CHUNK_BYTES = 64_000;
/** One atomic commit may carry at most 800 KiB, which bounds a value's slices. */
const MAX_CHUNKS = 12;
/** Deno KV's limit on keys per `getMany`. */
const GET_MANY_LIMIT = 10;

/** The most packed bytes one chunked value may hold. */
export const MAX_CHUNKED_BYTES = CHUNK_BYTES * MAX_CHUNKS;

/** `value` as the gzipped JSON that `setChunked` stores. */
export async function packChunked(value: unknown): Promise<Uint8Array> {
  return await gzip(new TextEncoder().encode(JSON.stringify(value)));
}

/** Adds to `op` the writes that store `packed` at `key`; throws if it is over `MAX_CHUNKED_BYTES`. */
export function setChunked(
  op: Deno.AtomicOperation,
  key: Deno.KvKey,
  packed: Uint8Array,
): Deno.AtomicOperation {
  const chunks = Math.ceil(packed.length / CHUNK_BYTES);
  if (chunks > MAX_CHUNKS) throw new Error(`${packed.length} bytes do not fit in ${MAX_CHUNKS} slices`);
  op.set(key, { version: STATE_VERSION, chunks, bytes: packed.length });
  // Slices a longer earlier save left behind go in the same commit.
  for (let i = 0; i < MAX_CHUNKS; i++) {
    if (i < chunks) op.set([...key, i], packed.slice(i * CHUNK_BYTES, (i + 1) * CHUNK_BYTES));
    else op.delete([...key, i]);
  }
  return op;
}

/** Adds to `op` the deletes that remove a value `setChunked` stored at `key`, whatever its length. */
export function deleteChunked(op: Deno.AtomicOperation, key: Deno.KvKey): Deno.AtomicOperation {
  op.delete(key);
  for (let i = 0; i < MAX_CHUNKS; i++) op.delete([...key, i]);
  return op;
}

/** The JSON value stored at `key`, or undefined if there is none; throws, calling it `name`, if damaged. */
export async function getChunked(kv: Deno.Kv, key: Deno.KvKey, name: string): Promise<unknown> {
  let problem = "";
  // A second try covers a save that landed between reading the manifest and its slices.
  for (let attempt = 0; attempt < 2; attempt++) {
    const manifest = await kv.get(key);
    if (manifest.value === null) return undefined;
    const { chunks, bytes } = parseChunkManifest(manifest.value, name);
    const slices = await getMany(kv, Array.from({ length: chunks }, (_, i) => [...key, i]));
    problem = slices.map((slice) => sliceProblem(slice, manifest.versionstamp, name)).find(Boolean) ?? "";
    if (!problem) return await unpack(slices.map((slice) => slice.value as Uint8Array), bytes, name);
  }
  throw new Error(problem);
}

async function getMany(kv: Deno.Kv, keys: Deno.KvKey[]): Promise<Deno.KvEntryMaybe<unknown>[]> {
  const entries: Deno.KvEntryMaybe<unknown>[] = [];
  for (let i = 0; i < keys.length; i += GET_MANY_LIMIT) {
    entries.push(...await kv.getMany(keys.slice(i, i + GET_MANY_LIMIT)));
  }
  return entries;
}

function sliceProblem(
  slice: Deno.KvEntryMaybe<unknown>,
  versionstamp: string,
  name: string,
): string | undefined {
  const key = JSON.stringify(slice.key);
  if (slice.value === null) return `slice ${key} is missing`;
  if (!(slice.value instanceof Uint8Array)) return `slice ${key} is not bytes`;
  if (slice.versionstamp !== versionstamp) return `slice ${key} was not written with the rest of the ${name}`;
  return undefined;
}

async function unpack(slices: Uint8Array[], bytes: number, name: string): Promise<unknown> {
  const joined = new Uint8Array(slices.reduce((sum, slice) => sum + slice.length, 0));
  let offset = 0;
  for (const slice of slices) {
    joined.set(slice, offset);
    offset += slice.length;
  }
  if (joined.length !== bytes) {
    throw new Error(`the ${name}'s slices hold ${joined.length} bytes, not ${bytes}`);
  }
  return JSON.parse(new TextDecoder().decode(await gunzip(joined)));
}

async function gzip(bytes: Uint8Array): Promise<Uint8Array> {
  return await pipe(bytes, new CompressionStream("gzip"));
}

async function gunzip(bytes: Uint8Array): Promise<Uint8Array> {
  return await pipe(bytes, new DecompressionStream("gzip"));
}

async function pipe(
  bytes: Uint8Array,
  transform: CompressionStream | DecompressionStream,
): Promise<Uint8Array> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(transform);
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

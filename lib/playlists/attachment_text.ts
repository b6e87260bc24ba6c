/**
 * Reads a text file attached to a command: fetched from the address Discord gives, through the egress
 * guard every other fetch uses, bounded in size and time, and decoded as UTF-8.
 */
import { type AddressPolicy, assertFetchable } from "../sources/address_guard.ts";
import { refusalError, startEgressProxy } from "../sources/egress_proxy.ts";
import { BodyTooLarge, boundedBytes } from "../sources/bounded_body.ts";
import { UserError } from "../user_error.ts";

/** The largest file taken: 256 KiB is thousands of lines, far past the track cap. */
export const ATTACHMENT_MAX_BYTES = 256 * 1024;
const FETCH_TIMEOUT_MS = 20_000;

/** The text of the file at `url`; a UserError when it is too large, not text, or cannot be fetched. */
export async function fetchAttachmentText(
  url: string,
  policy: AddressPolicy,
  maxBytes = ATTACHMENT_MAX_BYTES,
): Promise<string> {
  if (!URL.canParse(url)) throw new UserError("Discord gave me no usable address for that file.");
  await assertFetchable(new URL(url), policy);
  const proxy = startEgressProxy(policy);
  const client = Deno.createHttpClient({ proxy: { url: proxy.url } });
  try {
    const response = await fetch(url, { client, signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
    if (!response.ok) {
      await response.body?.cancel();
      throw new UserError(`I couldn't download that file (the server answered ${response.status}).`);
    }
    const bytes = await readBounded(response, maxBytes);
    try {
      return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    } catch {
      throw new UserError("That file is not plain text (UTF-8): attach a .txt file with one song per line.");
    }
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw refusalError(proxy) ?? new UserError("I couldn't download that file.", { cause: error });
  } finally {
    client.close();
    await proxy.close();
  }
}

async function readBounded(response: Response, maxBytes: number): Promise<Uint8Array> {
  const tooLarge = () => new UserError(`That file is over ${Math.round(maxBytes / 1024)} KiB; split it up.`);
  if (Number(response.headers.get("content-length") ?? 0) > maxBytes) {
    await response.body?.cancel();
    throw tooLarge();
  }
  try {
    return await boundedBytes(response, maxBytes);
  } catch (error) {
    throw error instanceof BodyTooLarge ? tooLarge() : error;
  }
}

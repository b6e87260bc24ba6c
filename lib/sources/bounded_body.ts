/** Reading an outside server's answer with a ceiling on its size, so a huge or endless body costs nothing. */

/** A body that passed its ceiling; reading stopped there. */
export class BodyTooLarge extends Error {
  override name = "BodyTooLarge";
}

/** The body's bytes; throws a BodyTooLarge (and stops reading) once it passes `limit` bytes. */
export async function boundedBytes(
  response: Response,
  limit: number,
  what = "The answer",
): Promise<Uint8Array> {
  const reader = response.body?.getReader();
  if (!reader) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > limit) {
      await reader.cancel();
      throw new BodyTooLarge(`${what} is larger than ${limit} bytes`);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.length;
  }
  return bytes;
}

/** The body as text; throws a BodyTooLarge (and stops reading) once it passes `limit` bytes. */
export async function boundedText(response: Response, limit: number, what = "The answer"): Promise<string> {
  return new TextDecoder().decode(await boundedBytes(response, limit, what));
}

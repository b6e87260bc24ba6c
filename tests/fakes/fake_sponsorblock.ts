/**
 * A stand-in for SponsorBlock's hash-prefix endpoint, `GET /api/skipSegments/{prefix}?categories=[...]`.
 * Like the real one it answers for every video whose id hashes to the prefix: beside each test video it
 * lists a decoy with the same prefix and other segments, and a sponsor segment the bot must not skip, so a
 * bot that does not pick its own entry and category fails. It records every request path.
 */
import { createHash } from "node:crypto";
import { hashPrefix } from "../../lib/sources/sponsorblock.ts";

/** A running fake. */
export interface FakeSponsorBlock {
  readonly url: string;
  /** Paths with query, in order. */
  readonly requests: string[];
  close(): Promise<void>;
}

interface Entry {
  videoID: string;
  hash: string;
  segments: { category: string; actionType: string; segment: [number, number]; UUID: string }[];
}

/** Serves `videos`: video id → its music_offtopic segments as [start, end] seconds. */
export async function startFakeSponsorBlock(
  videos: Record<string, [number, number][]>,
): Promise<FakeSponsorBlock> {
  const entries: Entry[] = [];
  for (const [videoId, spans] of Object.entries(videos)) {
    const prefix = await hashPrefix(videoId);
    entries.push({
      videoID: videoId,
      hash: prefix,
      segments: [
        ...spans.map((segment) => segmentOf("music_offtopic", segment)),
        segmentOf("sponsor", [0, 1]),
      ],
    });
    entries.push({
      videoID: decoyWithPrefix(prefix),
      hash: prefix,
      segments: [segmentOf("music_offtopic", [0, 2])],
    });
  }
  const requests: string[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (request) => {
    const url = new URL(request.url);
    requests.push(url.pathname + url.search);
    const prefix = /^\/api\/skipSegments\/([0-9a-f]{4,32})$/.exec(url.pathname)?.[1];
    if (!prefix) return new Response("Not found", { status: 404 });
    const categories = JSON.parse(url.searchParams.get("categories") ?? '["sponsor"]') as string[];
    const found = entries.filter((entry) => entry.hash.startsWith(prefix) || prefix.startsWith(entry.hash))
      .map((entry) => ({
        ...entry,
        hash: `${entry.hash}${"0".repeat(60)}`,
        segments: entry.segments.filter((segment) => categories.includes(segment.category)),
      }))
      .filter((entry) => entry.segments.length > 0);
    return found.length === 0 ? new Response("Not Found", { status: 404 }) : Response.json(found);
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    requests,
    close: () => server.shutdown(),
  };
}

function segmentOf(category: string, segment: [number, number]) {
  return { category, actionType: "skip", segment, UUID: crypto.randomUUID(), videoDuration: 0 };
}

/** Another 11-character id whose hash starts with the same four hex digits (found in ~65 000 tries). */
function decoyWithPrefix(prefix: string): string {
  for (let i = 0;; i++) {
    const candidate = `decoy${i.toString(36).padStart(6, "0")}`;
    if (createHash("sha256").update(candidate).digest("hex").startsWith(prefix)) return candidate;
  }
}

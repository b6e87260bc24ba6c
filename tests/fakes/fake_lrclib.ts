/**
 * A stand-in for LRCLIB: `GET /api/get` (an exact match on title and artist, and on the duration within two
 * seconds when given) and `GET /api/search?q=` (every record whose artist and title hold all the words). A
 * test can take it down (HTTP 503) or make it slow (it never answers), and read every request it got.
 */

/** One song as LRCLIB returns it. */
export interface LrclibRecord {
  trackName: string;
  artistName: string;
  albumName: string;
  duration: number;
  instrumental: boolean;
  plainLyrics: string | null;
  syncedLyrics: string | null;
  /** Only found by /api/search (its exact record is filed under another album, say). */
  searchOnly?: boolean;
}

/** A running fake. */
export interface FakeLrclib {
  readonly url: string;
  /** Path and query of every request, in order. */
  readonly requests: string[];
  /** "up" answers; "down" says 503; "slow" holds every request open until the fake closes. */
  mode: "up" | "down" | "slow";
  close(): Promise<void>;
}

/** Serves `records`. */
export function startFakeLrclib(records: LrclibRecord[]): FakeLrclib {
  const requests: string[] = [];
  const held = new AbortController();
  const fake: FakeLrclib = {
    url: "",
    requests,
    mode: "up",
    close: async () => {
      held.abort();
      await server.shutdown();
    },
  };
  const answer = (url: URL): Response => {
    const asked = (name: string) => (url.searchParams.get(name) ?? "").toLowerCase();
    const shown = (record: LrclibRecord, id: number) => {
      const { searchOnly: _, ...rest } = record;
      return { id, name: record.trackName, ...rest };
    };
    if (url.pathname === "/api/get") {
      const duration = Number(url.searchParams.get("duration") ?? NaN);
      const index = records.findIndex((record) =>
        !record.searchOnly && record.trackName.toLowerCase() === asked("track_name") &&
        record.artistName.toLowerCase() === asked("artist_name") &&
        (Number.isNaN(duration) || Math.abs(record.duration - duration) <= 2)
      );
      return index < 0
        ? Response.json({ code: 404, name: "TrackNotFound", message: "Failed to find specified track" }, {
          status: 404,
        })
        : Response.json(shown(records[index], index + 1));
    }
    if (url.pathname === "/api/search") {
      const words = asked("q").split(/\s+/).filter(Boolean);
      const found = records.flatMap((record, i) => {
        const text = `${record.artistName} ${record.trackName}`.toLowerCase();
        return words.length > 0 && words.every((word) => text.includes(word)) ? [shown(record, i + 1)] : [];
      });
      return Response.json(found);
    }
    return new Response("Not found", { status: 404 });
  };
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (request) => {
    const url = new URL(request.url);
    requests.push(url.pathname + url.search);
    if (fake.mode === "down") return new Response("Service Unavailable", { status: 503 });
    if (fake.mode === "slow") {
      return new Promise<Response>((resolve) => {
        const give = () => resolve(new Response("closing", { status: 503 }));
        held.signal.addEventListener("abort", give, { once: true });
        request.signal.addEventListener("abort", give, { once: true });
      });
    }
    return answer(url);
  });
  (fake as { url: string }).url = `http://127.0.0.1:${server.addr.port}`;
  return fake;
}

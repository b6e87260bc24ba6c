/**
 * A search catalog for tests of the YouTube web API alone (no media, no yt-dlp log): "evening hum" finds a
 * short video, a live stream, an hour-long video and a two-second one, in that order.
 */
import type { Catalog, CatalogVideo } from "./fake_youtube_catalog.ts";

const video = (id: string, title: string, durationSeconds: number, live?: true): CatalogVideo => ({
  id,
  title,
  durationSeconds,
  mediaUrl: "http://127.0.0.1:9/unused.mp3",
  ...(live ? { live } : {}),
});

/** The catalog; its searches find nothing for any other words. */
export const EVENING_SEARCH: Catalog = {
  videos: [
    video("eveningHum1", "Evening Hum", 65),
    video("eveningLive", "Evening Hum (live now)", 0, true),
    video("eveningHum2", "Evening Hum — an hour", 3725),
    video("eveningHum3", "Evening Hum (Slow)", 2),
  ],
  playlists: [],
  radios: {},
  searches: { "evening hum": ["eveningHum1", "eveningLive", "eveningHum2", "eveningHum3"] },
  logPath: "/dev/null",
  realYtdlp: "yt-dlp",
};

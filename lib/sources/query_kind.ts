/**
 * Turns what a user typed into /play into what it means: a search, a YouTube video or playlist, a Spotify
 * item, or some other http(s) link. Nothing here touches the network; the address rule runs later.
 */
import type { MusicSite } from "../track.ts";
import { UserError } from "../user_error.ts";

/** Longer text is almost certainly a paste accident, and would make a huge yt-dlp command line. */
export const MAX_QUERY_LENGTH = 500;

/** What a /play query means. */
export type Query =
  | { kind: "search"; text: string }
  | { kind: "youtube-video"; videoId: string; url: string }
  | { kind: "youtube-playlist"; playlistId: string; url: string }
  | { kind: "spotify"; type: SpotifyType; id: string }
  /** A SoundCloud or Bandcamp track page. */
  | { kind: "site"; site: MusicSite; url: string }
  | { kind: "http"; url: URL };

/** The Spotify items the bot can queue. */
export type SpotifyType = "track" | "album" | "playlist";

const VIDEO_ID = /^[A-Za-z0-9_-]{11}$/;
// Real ids are PL/OLAK5uy_/RD/UU... followed by up to ~40 characters; the bound only stops junk.
const PLAYLIST_ID = /^[A-Za-z0-9_-]{2,64}$/;
const SPOTIFY_ID = /^[A-Za-z0-9]{22}$/;
const SPOTIFY_TYPES: readonly string[] = ["track", "album", "playlist"];
const YOUTUBE_HOSTS = new Set(["youtube.com", "youtu.be", "youtube-nocookie.com"]);
// Scheme-less links are recognised only for these hosts; "ac/dc.live" and the like stay searches.
const BARE_LINK =
  /^(?:(?:(?:www|m|music|on)\.)?(?:youtube\.com|youtu\.be|open\.spotify\.com|soundcloud\.com)|[a-z0-9-]+\.bandcamp\.com)\//i;
// Letters of no script: NUL, escapes, bidi overrides and the like, which no title is searched by.
// Zero-width joiners stay: some scripts and emoji need them.
const CONTROL = /(?![\u200c\u200d])[\p{Cc}\p{Cf}\p{Co}\p{Cn}]/gu;
// "Intro: the beginning" is a song title, but these schemes are unmistakably links the bot must refuse.
const REFUSED_SCHEMES = new Set([
  "file",
  "ftp",
  "ftps",
  "sftp",
  "data",
  "javascript",
  "vbscript",
  "about",
  "blob",
  "chrome",
  "view-source",
  "ws",
  "wss",
  "gopher",
  "dict",
  "ldap",
  "smb",
  "ssh",
  "tel",
  "mailto",
]);

/** The text with broken surrogates mended and invisible characters (NUL, bidi overrides...) made spaces. */
export function withoutInvisibles(text: string): string {
  return text.toWellFormed().replace(CONTROL, " ");
}

/**
 * Classifies a /play query.
 *
 * A watch link carrying both a video and a playlist (`watch?v=…&list=…`) means the video: people paste
 * what they were watching, and queueing a whole mix by accident is worse than queueing one song. Start
 * times (`t=`) are dropped; tracks always play from the beginning.
 */
export function classifyQuery(text: string): Query {
  const trimmed = withoutInvisibles(text).trim();
  if (trimmed === "") {
    throw new UserError(
      text.trim() === ""
        ? "Please type a song name or paste a link."
        : `There are no words to search for in ${
          visible(text.trim())
        }; please type a song name or paste a link.`,
    );
  }
  if (trimmed.length > MAX_QUERY_LENGTH) {
    throw new UserError(
      `That is ${trimmed.length} characters long; please keep it under ${MAX_QUERY_LENGTH}.`,
    );
  }
  if (/^spotify:[a-z]+:\S+$/i.test(trimmed)) return spotifyFromUri(trimmed);
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(trimmed)?.[1].toLowerCase();
  if (scheme === "http" || scheme === "https") return classifyUrl(parseLink(trimmed));
  if (scheme !== undefined && (REFUSED_SCHEMES.has(scheme) || trimmed.startsWith(`${scheme}://`))) {
    throw new UserError(`I can only play http and https links, not "${scheme}:" ones.`);
  }
  if (BARE_LINK.test(trimmed) && !/\s/.test(trimmed)) return classifyUrl(parseLink(`https://${trimmed}`));
  // Newlines and tabs mean nothing to a search engine; one line keeps logs and yt-dlp arguments tidy.
  return { kind: "search", text: trimmed.replace(/\s+/g, " ") };
}

function parseLink(text: string): URL {
  const url = URL.parse(text);
  if (url === null || url.hostname === "" || /\s/.test(text)) {
    throw new UserError(`That link looks malformed: "${shorten(text)}".`);
  }
  if (url.username !== "" || url.password !== "") {
    throw new UserError(`I don't open links with a user name or password in them: "${shorten(text)}".`);
  }
  return url;
}

function classifyUrl(url: URL): Query {
  const host = url.hostname.toLowerCase().replace(/\.$/, "");
  const site = host.replace(/^(?:www|m|music)\./, "");
  if (YOUTUBE_HOSTS.has(site)) return classifyYoutube(url, site);
  if (host === "open.spotify.com" || host === "play.spotify.com") return spotifyFromPath(url);
  if (site === "soundcloud.com" || site === "on.soundcloud.com") return soundcloud(url);
  if (/^[a-z0-9-]+\.bandcamp\.com$/.test(host)) return bandcamp(url);
  if (host === "spotify.link" || host === "spotify.app.link") {
    throw new UserError(
      "Short Spotify links can't be opened here; please share the full open.spotify.com link.",
    );
  }
  return { kind: "http", url };
}

function classifyYoutube(url: URL, site: string): Query {
  const [first = "", second = ""] = url.pathname.split("/").filter((part) => part !== "");
  const list = url.searchParams.get("list");
  if (site === "youtu.be") return youtubeVideo(first, url);
  if (first === "watch") {
    const v = url.searchParams.get("v");
    if (v === null && list !== null) return youtubePlaylist(list, url);
    return youtubeVideo(v ?? "", url);
  }
  if (first === "playlist" && list !== null) return youtubePlaylist(list, url);
  if (["shorts", "embed", "live", "v", "e"].includes(first)) return youtubeVideo(second, url);
  const search = url.searchParams.get("search_query");
  if (first === "results" && search !== null && search.trim() !== "") return classifyQuery(search);
  throw new UserError(
    `I can play YouTube videos and playlists, but not this kind of page: "${shorten(url.href)}".`,
  );
}

function youtubeVideo(videoId: string, link: URL): Query {
  if (!VIDEO_ID.test(videoId)) {
    throw new UserError(`That YouTube link has no valid video id: "${shorten(link.href)}".`);
  }
  return { kind: "youtube-video", videoId, url: `https://www.youtube.com/watch?v=${videoId}` };
}

function youtubePlaylist(playlistId: string, link: URL): Query {
  if (!PLAYLIST_ID.test(playlistId)) {
    throw new UserError(`That YouTube link has no valid playlist id: "${shorten(link.href)}".`);
  }
  return { kind: "youtube-playlist", playlistId, url: `https://www.youtube.com/playlist?list=${playlistId}` };
}

function spotifyFromPath(url: URL): Query {
  const parts = url.pathname.split("/").filter((part) => part !== "");
  // Localized links (/intl-de/track/…) and embed links (/embed/track/…) carry the same id.
  while (parts.length > 0 && (/^intl-[a-z-]+$/i.test(parts[0]) || parts[0] === "embed")) parts.shift();
  return spotifyItem(parts[0] ?? "", parts[1] ?? "", url.href);
}

function spotifyFromUri(uri: string): Query {
  // Old playlist URIs put the owner first: spotify:user:NAME:playlist:ID.
  const parts = uri.split(":").slice(1);
  const tail = parts[0] === "user" && parts.length === 4 ? parts.slice(2) : parts;
  if (tail.length !== 2) throw new UserError(`That Spotify link looks malformed: "${shorten(uri)}".`);
  return spotifyItem(tail[0], tail[1], uri);
}

function spotifyItem(type: string, id: string, original: string): Query {
  if (!SPOTIFY_TYPES.includes(type)) {
    throw new UserError(
      `I can play Spotify tracks, albums and playlists, but not this: "${shorten(original)}".`,
    );
  }
  if (!SPOTIFY_ID.test(id)) throw new UserError(`That Spotify link has no valid id: "${shorten(original)}".`);
  return { kind: "spotify", type: type as SpotifyType, id };
}

function soundcloud(url: URL): Query {
  const parts = url.pathname.split("/").filter((part) => part !== "");
  // on.soundcloud.com/ABC is a share link that redirects to the track; yt-dlp follows it.
  const track = url.hostname.startsWith("on.") ? parts.length === 1 : parts.length === 2;
  if (!track || parts[1] === "sets") {
    throw new UserError(`I can play single SoundCloud tracks, but not this page: "${shorten(url.href)}".`);
  }
  return {
    kind: "site",
    site: "soundcloud",
    url: `https://${url.hostname.replace(/^(?:www|m)\./, "")}${url.pathname}`,
  };
}

function bandcamp(url: URL): Query {
  const parts = url.pathname.split("/").filter((part) => part !== "");
  if (parts.length !== 2 || parts[0] !== "track") {
    throw new UserError(`I can play single Bandcamp tracks, but not this page: "${shorten(url.href)}".`);
  }
  return { kind: "site", site: "bandcamp", url: `https://${url.hostname.toLowerCase()}${url.pathname}` };
}

/** Text as a user can read it back: invisible characters shown as escapes, in quotes. */
function visible(text: string): string {
  const shown = shorten(text).replace(
    CONTROL,
    (char) => `\\u${char.codePointAt(0)!.toString(16).padStart(4, "0")}`,
  );
  return `"${shown}"`;
}

function shorten(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

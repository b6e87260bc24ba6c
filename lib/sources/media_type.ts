/** Whether an HTTP answer is a media file (fetched as it is) rather than a page for yt-dlp to read. */

const MEDIA_EXTENSION = /\.(mp3|m4a|aac|ogg|oga|opus|flac|wav|webm|mka|mp4)$/;

/** Audio or video by its type; a generic binary type counts only with a media file's extension. */
export function isMediaType(contentType: string | null, url: string): boolean {
  const type = (contentType ?? "").split(";")[0].trim().toLowerCase();
  if (type.startsWith("audio/") || type.startsWith("video/") || type === "application/ogg") return true;
  const path = URL.parse(url)?.pathname.toLowerCase() ?? "";
  return type === "application/octet-stream" && MEDIA_EXTENSION.test(path);
}

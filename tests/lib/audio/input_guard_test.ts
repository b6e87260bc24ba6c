import assert from "node:assert/strict";
import { join } from "node:path";
import { measureLoudness } from "../../../lib/audio/ebur128.ts";
import { estimateLoudness } from "../../../lib/audio/loudness_estimate.ts";
import { generateTone } from "../../fakes/test_tones.ts";

const FFMPEG = Deno.env.get("FFMPEG_PATH") ?? "ffmpeg";

Deno.test("a download that is a playlist naming a local media file is not read; a real file is", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const secret = join(dir, "secret.mp3");
    await generateTone({ path: secret, frequencyHz: 440, seconds: 3 });
    // What a hostile server can send as "the song": an HLS playlist ffmpeg would follow to the local file.
    const download = join(dir, "download.tmp");
    await Deno.writeTextFile(
      download,
      `#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:3,\n${secret}\n#EXT-X-ENDLIST\n`,
    );
    await assert.rejects(() => measureLoudness(FFMPEG, download, { truePeak: false }));
    await assert.rejects(() => estimateLoudness(FFMPEG, download, {}));
    const measured = await measureLoudness(FFMPEG, secret, { truePeak: false });
    assert.ok(Number.isFinite(measured.integrated), "an ordinary mp3 is still read");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

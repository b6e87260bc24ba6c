import assert from "node:assert/strict";
import { PassThrough, type Readable } from "node:stream";
import { type FeedEnd, PacketFeed } from "../../../lib/voice/packet_feed.ts";
import { PacketSource } from "../../../lib/voice/packet_source.ts";
import { oggOpusFile } from "../../fakes/ogg_opus_writer.ts";
import { waitUntil } from "../../fakes/wait_until.ts";

/** A 20 ms CELT stereo frame whose body names its source and index, so a test can tell packets apart. */
function packet(tag: number, index: number): Uint8Array {
  return new Uint8Array([0xfc, tag, index]);
}

function oggOf(tag: number, count: number): Uint8Array {
  return oggOpusFile(Array.from({ length: count }, (_, i) => packet(tag, i)));
}

/** An Ogg Opus stream the test writes when it wants the source to have data. */
function heldStream(): PassThrough {
  return new PassThrough();
}

function sourceOf(stream: Readable): PacketSource {
  return new PacketSource(stream);
}

function feedFor(ends: { key: number; end: FeedEnd }[], maxMissedFrames = 5): PacketFeed {
  return new PacketFeed({ maxMissedFrames, onEnd: (key, end) => ends.push({ key, end }) });
}

/** What one frame sends: "tag:index", or "-" for a silent frame. */
function frame(feed: PacketFeed): string {
  const sent = feed.read();
  return sent ? `${sent[1]}:${sent[2]}` : "-";
}

/** Waits until `source` has packets ready, and when its input was ended, until it knows that too. */
async function demuxed(source: PacketSource, ended = true): Promise<void> {
  await waitUntil(
    () => source.buffered > 0 && (!ended || source.status !== "open"),
    "the packets demuxed",
    5_000,
  );
}

/** Starts `packets` packets of song 1 on `feed` (their stream ended), once they are ready to send. */
async function playingSong(feed: PacketFeed, packets: number): Promise<void> {
  const stream = heldStream();
  stream.end(oggOf(1, packets));
  const source = sourceOf(stream);
  feed.play({ source, secondsPerPacket: 0.02, follows: false });
  await demuxed(source);
}

Deno.test("a new play takes over at the next frame once its packets are ready: no silent frame", async () => {
  const ends: { key: number; end: FeedEnd }[] = [];
  const feed = feedFor(ends);
  await playingSong(feed, 10);
  assert.deepEqual([frame(feed), frame(feed), frame(feed)], ["1:0", "1:1", "1:2"]);
  const b = heldStream();
  const second = sourceOf(b);
  feed.play({ source: second, secondsPerPacket: 0.02, follows: false });
  // Not ready yet: the old audio plays on instead of silence.
  assert.equal(frame(feed), "1:3");
  b.end(oggOf(2, 4));
  await demuxed(second);
  assert.deepEqual([frame(feed), frame(feed), frame(feed), frame(feed)], ["2:0", "2:1", "2:2", "2:3"]);
  await waitUntil(() => ends.length > 0, "the end reported");
  // Only the latest play's end is reported, right after its last packet.
  assert.deepEqual(ends, [{ key: 2, end: { type: "ended" } }]);
  feed.destroy();
});

Deno.test("a play that carries on the same audio skips what the old one sent while it got ready", async () => {
  const feed = feedFor([]);
  await playingSong(feed, 20);
  assert.deepEqual([frame(feed), frame(feed)], ["1:0", "1:1"]);
  // The new play starts where the old one was when it was asked for (packet 2 of the song).
  const b = heldStream();
  const second = sourceOf(b);
  feed.play({ source: second, secondsPerPacket: 0.02, follows: true });
  assert.deepEqual([frame(feed), frame(feed), frame(feed)], ["1:2", "1:3", "1:4"]);
  assert.equal(feed.playedSeconds().toFixed(2), "0.06");
  b.end(oggOf(2, 18));
  await demuxed(second);
  // Three packets were heard from the old play meanwhile: the new one goes on from its fourth.
  assert.deepEqual([frame(feed), frame(feed)], ["2:3", "2:4"]);
  assert.equal(feed.playedSeconds().toFixed(2), "0.10");
  feed.destroy();
});

Deno.test("sped-up audio skips song time, not packets, and counts position in song time", async () => {
  const feed = feedFor([]);
  await playingSong(feed, 20);
  const b = heldStream();
  const second = sourceOf(b);
  // Twice as fast: each packet holds 40 ms of the song.
  assert.equal(frame(feed), "1:0");
  feed.play({ source: second, secondsPerPacket: 0.04, follows: true });
  assert.deepEqual([frame(feed), frame(feed), frame(feed), frame(feed)], ["1:1", "1:2", "1:3", "1:4"]);
  b.end(oggOf(2, 10));
  await demuxed(second);
  assert.equal(frame(feed), "2:2");
  assert.equal(feed.playedSeconds().toFixed(2), "0.12");
  feed.destroy();
});

Deno.test("an open source with nothing to send is starved after the allowed silent frames, not ended", async () => {
  const ends: { key: number; end: FeedEnd }[] = [];
  const feed = feedFor(ends, 4);
  const a = heldStream();
  const source = sourceOf(a);
  // Only the headers and two packets arrive; the stream stays open.
  const bytes = oggOf(1, 2);
  a.write(bytes);
  const key = feed.play({ source, secondsPerPacket: 0.02, follows: false });
  await demuxed(source, false);
  assert.deepEqual([frame(feed), frame(feed)], ["1:0", "1:1"]);
  assert.deepEqual([frame(feed), frame(feed), frame(feed)], ["-", "-", "-"]);
  await Promise.resolve();
  assert.deepEqual(ends, [], "three silent frames are not yet starved");
  assert.equal(frame(feed), "-");
  await waitUntil(() => ends.length > 0, "starved reported");
  assert.deepEqual(ends, [{ key, end: { type: "starved" } }]);
  feed.destroy();
});

Deno.test("a broken stream is reported as failed, after the packets it gave", async () => {
  const ends: { key: number; end: FeedEnd }[] = [];
  const feed = feedFor(ends);
  const a = heldStream();
  const source = sourceOf(a);
  a.write(oggOf(1, 3));
  const key = feed.play({ source, secondsPerPacket: 0.02, follows: false });
  await demuxed(source, false);
  a.destroy(new Error("disk gone"));
  await waitUntil(() => source.status === "failed", "the source broke");
  assert.deepEqual([frame(feed), frame(feed), frame(feed)], ["1:0", "1:1", "1:2"]);
  await waitUntil(() => ends.length > 0, "failed reported");
  assert.equal(ends[0].key, key);
  assert.equal(ends[0].end.type, "failed");
  feed.destroy();
});

Deno.test("a second change before the first took over skips only what was heard since it was asked for", async () => {
  const feed = feedFor([]);
  await playingSong(feed, 30);
  assert.equal(frame(feed), "1:0");
  // The first change starts at packet 1 of the song; two packets are heard before the second change,
  // which starts at packet 3 (where the output says the song is).
  feed.play({ source: sourceOf(heldStream()), secondsPerPacket: 0.02, follows: true });
  assert.deepEqual([frame(feed), frame(feed)], ["1:1", "1:2"]);
  assert.equal(feed.playedSeconds().toFixed(2), "0.04");
  const c = heldStream();
  const third = sourceOf(c);
  feed.play({ source: third, secondsPerPacket: 0.02, follows: true });
  assert.equal(frame(feed), "1:3");
  c.end(oggOf(3, 20));
  await demuxed(third);
  // Song packet 3 is where it starts; one packet (3) was heard since: it goes on from its second.
  assert.equal(frame(feed), "3:1");
  feed.destroy();
});

Deno.test("a change after a seek not yet heard does not skip the old audio's time", async () => {
  const feed = feedFor([]);
  await playingSong(feed, 30);
  assert.equal(frame(feed), "1:0");
  feed.play({ source: sourceOf(heldStream()), secondsPerPacket: 0.02, follows: false });
  assert.deepEqual([frame(feed), frame(feed)], ["1:1", "1:2"]);
  assert.equal(feed.playedSeconds(), 0, "the seek's position holds until it is heard");
  const c = heldStream();
  const third = sourceOf(c);
  feed.play({ source: third, secondsPerPacket: 0.02, follows: true });
  assert.equal(frame(feed), "1:3");
  c.end(oggOf(3, 10));
  await demuxed(third);
  assert.equal(frame(feed), "3:0", "the sought position is heard from its start");
  feed.destroy();
});

Deno.test("a stall is told once when a frame goes empty, and its end when packets come", async () => {
  const stalls: boolean[] = [];
  const feed = new PacketFeed({ maxMissedFrames: 50, onEnd: () => {}, onStall: (s) => stalls.push(s) });
  const a = heldStream();
  const bytes = oggOf(1, 4);
  const source = sourceOf(a);
  a.write(bytes);
  feed.play({ source, secondsPerPacket: 0.02, follows: false });
  await demuxed(source, false);
  assert.deepEqual([frame(feed), frame(feed), frame(feed), frame(feed)], ["1:0", "1:1", "1:2", "1:3"]);
  assert.deepEqual(stalls, []);
  assert.deepEqual([frame(feed), frame(feed)], ["-", "-"]);
  assert.deepEqual(stalls, [true], "told once");
  a.end();
  await waitUntil(() => stalls.length === 2, "the stall's end");
  assert.deepEqual(stalls, [true, false], "the end of the stream ends the stall, so it can be reported");
  feed.destroy();
});

/**
 * Muxes raw Opus packets (as a voice client sends them) into an Ogg Opus file that ffmpeg can decode.
 *
 * Follows RFC 7845: an OpusHead page, an OpusTags page, then data pages whose granule position is the
 * 48 kHz sample count at the end of the last packet completed on the page.
 */

/** Options for `oggOpusFile`. */
export interface OggOpusOptions {
  readonly channels?: number;
  /** Samples the decoder drops at the start; 0 keeps every received sample. */
  readonly preSkip?: number;
  readonly serial?: number;
}

import { buildOggPage, concatBytes } from "../../lib/audio/ogg_page.ts";
import { opusPacketSamples } from "../../lib/audio/ogg_seek.ts";

const MAX_SEGMENTS_PER_PAGE = 255;
const HEADER_TYPE_BOS = 0x02;
const HEADER_TYPE_EOS = 0x04;

/** Builds a complete Ogg Opus file from Opus packets. */
export function oggOpusFile(packets: readonly Uint8Array[], options: OggOpusOptions = {}): Uint8Array {
  const { channels = 2, preSkip = 0, serial = 0x7a6f6d } = options;
  const pages: Uint8Array[] = [
    oggPage({
      serial,
      sequence: 0,
      granule: 0n,
      headerType: HEADER_TYPE_BOS,
      packets: [opusHead(channels, preSkip)],
    }),
    oggPage({ serial, sequence: 1, granule: 0n, headerType: 0, packets: [opusTags()] }),
  ];
  let granule = 0n;
  const groups = pageGroups(packets);
  groups.forEach((group, i) => {
    for (const packet of group) granule += BigInt(opusPacketSamples(packet));
    const headerType = i === groups.length - 1 ? HEADER_TYPE_EOS : 0;
    pages.push(oggPage({ serial, sequence: pages.length, granule, headerType, packets: group }));
  });
  return concatBytes(pages);
}

interface PageSpec {
  readonly serial: number;
  readonly sequence: number;
  readonly granule: bigint;
  readonly headerType: number;
  readonly packets: readonly Uint8Array[];
}

function oggPage({ serial, sequence, granule, headerType, packets }: PageSpec): Uint8Array {
  const segmentTable = Uint8Array.from(packets.flatMap(lacingValues));
  return buildOggPage({ headerType, granule, serial, sequence, segmentTable, body: concatBytes(packets) });
}

// A packet of n bytes is n / 255 segments of 255 and one shorter segment (possibly 0) that ends it.
function lacingValues(packet: Uint8Array): number[] {
  return [...Array(Math.floor(packet.length / 255)).fill(255), packet.length % 255];
}

// Splits packets into pages so no page needs more than 255 lacing values; packets never span pages.
function pageGroups(packets: readonly Uint8Array[]): Uint8Array[][] {
  const groups: Uint8Array[][] = [];
  let current: Uint8Array[] = [];
  let segments = 0;
  for (const packet of packets) {
    const needed = lacingValues(packet).length;
    if (needed > MAX_SEGMENTS_PER_PAGE) throw new Error(`Opus packet of ${packet.length} bytes is too large`);
    if (segments + needed > MAX_SEGMENTS_PER_PAGE) {
      groups.push(current);
      current = [];
      segments = 0;
    }
    current.push(packet);
    segments += needed;
  }
  if (current.length > 0) groups.push(current);
  return groups;
}

function opusHead(channels: number, preSkip: number): Uint8Array {
  const head = new Uint8Array(19);
  const view = new DataView(head.buffer);
  head.set(new TextEncoder().encode("OpusHead"), 0);
  head[8] = 1;
  head[9] = channels;
  view.setUint16(10, preSkip, true);
  view.setUint32(12, 48_000, true);
  view.setInt16(16, 0, true);
  head[18] = 0;
  return head;
}

function opusTags(): Uint8Array {
  const vendor = new TextEncoder().encode("trazom test muxer");
  const tags = new Uint8Array(8 + 4 + vendor.length + 4);
  const view = new DataView(tags.buffer);
  tags.set(new TextEncoder().encode("OpusTags"), 0);
  view.setUint32(8, vendor.length, true);
  tags.set(vendor, 12);
  view.setUint32(12 + vendor.length, 0, true);
  return tags;
}

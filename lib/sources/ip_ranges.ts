/**
 * Which IP addresses the bot must never fetch from on a user's behalf: everything that is not the public
 * internet (loopback, private networks, link-local, CGNAT, multicast, reserved), including IPv6 forms that
 * smuggle an IPv4 address (mapped, compatible, NAT64, 6to4).
 */

/** An IPv4 range as [network address, prefix length]. */
type V4Range = readonly [base: string, prefix: number];

const INTERNAL_V4: readonly V4Range[] = [
  ["0.0.0.0", 8], // "this network"; 0.0.0.0 reaches the local host on Linux
  ["10.0.0.0", 8],
  ["100.64.0.0", 10], // carrier-grade NAT
  ["127.0.0.0", 8],
  ["169.254.0.0", 16], // link-local, includes cloud metadata at 169.254.169.254
  ["172.16.0.0", 12],
  ["192.0.0.0", 24], // IETF protocol assignments
  ["192.0.2.0", 24], // documentation
  ["192.88.99.0", 24], // 6to4 relay anycast
  ["192.168.0.0", 16],
  ["198.18.0.0", 15], // benchmarking
  ["198.51.100.0", 24], // documentation
  ["203.0.113.0", 24], // documentation
  ["224.0.0.0", 4], // multicast
  ["240.0.0.0", 4], // reserved, includes broadcast 255.255.255.255
];

/** Parses strict dotted-decimal IPv4 ("127.0.0.1") into a 32-bit number, or undefined. */
export function parseIpv4(text: string): number | undefined {
  const parts = text.split(".");
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    if (!/^(0|[1-9]\d{0,2})$/.test(part)) return undefined;
    const octet = Number(part);
    if (octet > 255) return undefined;
    value = value * 256 + octet;
  }
  return value;
}

/** Parses an IPv6 address (brackets, zone and embedded IPv4 allowed) into eight 16-bit groups. */
export function parseIpv6(text: string): number[] | undefined {
  const bare = text.replace(/^\[(.*)\]$/, "$1").replace(/%.*$/, "");
  if (!/^[0-9a-fA-F:.]+$/.test(bare)) return undefined;
  const halves = bare.split("::");
  if (halves.length > 2) return undefined;
  // Only the very last piece of the address may be a dotted IPv4 tail.
  const head = groupsOf(halves[0], halves.length === 1);
  const tail = halves.length === 2 ? groupsOf(halves[1], true) : [];
  if (!head || !tail) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  return [...head, ...Array<number>(missing).fill(0), ...tail];
}

function groupsOf(part: string, mayEndInIpv4: boolean): number[] | undefined {
  if (part === "") return [];
  const pieces = part.split(":");
  const groups: number[] = [];
  for (const [index, piece] of pieces.entries()) {
    if (mayEndInIpv4 && index === pieces.length - 1 && piece.includes(".")) {
      const v4 = parseIpv4(piece);
      if (v4 === undefined) return undefined;
      groups.push(v4 >>> 16, v4 & 0xffff);
    } else if (/^[0-9a-fA-F]{1,4}$/.test(piece)) {
      groups.push(parseInt(piece, 16));
    } else {
      return undefined;
    }
  }
  return groups;
}

function inV4Range(address: number, [base, prefix]: V4Range): boolean {
  const start = parseIpv4(base)!;
  const size = 2 ** (32 - prefix);
  return address >= start && address < start + size;
}

function isInternalV4(address: number): boolean {
  return INTERNAL_V4.some((range) => inV4Range(address, range));
}

function embeddedV4(groups: number[], high: number): number {
  return groups[high] * 0x10000 + groups[high + 1];
}

function isInternalV6(g: number[]): boolean {
  const zeroPrefix = (count: number) => g.slice(0, count).every((group) => group === 0);
  // ::/96 covers :: and ::1 as well as the deprecated IPv4-compatible form ::a.b.c.d.
  if (zeroPrefix(6)) return g[6] === 0 || isInternalV4(embeddedV4(g, 6));
  if (zeroPrefix(5) && g[5] === 0xffff) return isInternalV4(embeddedV4(g, 6)); // ::ffff:a.b.c.d
  if (zeroPrefix(4) && g[4] === 0xffff && g[5] === 0) return isInternalV4(embeddedV4(g, 6)); // SIIT
  if (g[0] === 0x64 && g[1] === 0xff9b) {
    // NAT64: the well-known prefix carries an IPv4 target; the local-use /48 is internal by definition.
    return g[2] === 1 || !g.slice(2, 6).every((group) => group === 0) || isInternalV4(embeddedV4(g, 6));
  }
  if (g[0] === 0x2002) return isInternalV4(embeddedV4(g, 1)); // 6to4 wraps an IPv4 address
  if (g[0] === 0x2001 && g[1] === 0) return true; // Teredo hides its IPv4 target; nothing to play there
  if (g[0] === 0x2001 && g[1] === 0xdb8) return true; // documentation
  if (g[0] === 0x100 && g[1] === 0 && g[2] === 0 && g[3] === 0) return true; // discard-only 100::/64
  const first = g[0];
  return (first & 0xfe00) === 0xfc00 || // unique local fc00::/7
    (first & 0xffc0) === 0xfe80 || // link-local fe80::/10
    (first & 0xffc0) === 0xfec0 || // deprecated site-local fec0::/10
    (first & 0xff00) === 0xff00; // multicast
}

/**
 * Whether an IP address is anything but the public internet.
 *
 * Text that is not an IP address counts as internal, so a surprise from a resolver fails closed.
 */
export function isInternalAddress(ip: string): boolean {
  const v4 = parseIpv4(ip);
  if (v4 !== undefined) return isInternalV4(v4);
  const v6 = parseIpv6(ip);
  if (v6 !== undefined) return isInternalV6(v6);
  return true;
}

/** Whether the text is an IP address literal (IPv4 dotted decimal, or IPv6 with or without brackets). */
export function isIpLiteral(text: string): boolean {
  return parseIpv4(text) !== undefined || parseIpv6(text) !== undefined;
}

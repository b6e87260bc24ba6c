import assert from "node:assert/strict";
import { isInternalAddress, isIpLiteral, parseIpv6 } from "../../../lib/sources/ip_ranges.ts";

const INTERNAL = [
  "127.0.0.1",
  "127.255.255.254",
  "10.0.0.1",
  "172.16.0.1",
  "172.31.255.255",
  "192.168.1.1",
  "169.254.169.254",
  "100.64.0.1",
  "100.127.255.255",
  "0.0.0.0",
  "0.1.2.3",
  "224.0.0.1",
  "239.255.255.250",
  "255.255.255.255",
  "240.0.0.1",
  "198.18.0.1",
  "192.0.2.1",
  "::",
  "::1",
  "[::1]",
  "0:0:0:0:0:0:0:1",
  "::ffff:127.0.0.1",
  "::ffff:7f00:1",
  "::ffff:a00:1",
  "::ffff:192.168.0.1",
  "::127.0.0.1",
  "::7f00:1",
  "::ffff:0:127.0.0.1",
  "64:ff9b::127.0.0.1",
  "64:ff9b::a9fe:a9fe",
  "64:ff9b:1::1",
  "2002:7f00:1::",
  "2001:0:4136:e378::1",
  "2001:db8::1",
  "fc00::1",
  "fd12:3456:789a::1",
  "fe80::1",
  "fe80::1%eth0",
  "febf::1",
  "fec0::1",
  "ff02::1",
  "100::1",
  // Not an address at all: fail closed.
  "localhost",
  "",
  "1.2.3",
  "256.0.0.1",
  "01.2.3.4",
  "1:2:3:4:5:6:7:8:9",
  "1::2::3",
];

const PUBLIC = [
  "1.1.1.1",
  "8.8.8.8",
  "142.250.74.46",
  "172.15.255.255",
  "172.32.0.1",
  "100.63.255.255",
  "100.128.0.1",
  "192.169.0.1",
  "223.255.255.255",
  "2607:f8b0:4004:c07::71",
  "2a00:1450:4001:82a::200e",
  "::ffff:8.8.8.8",
  "64:ff9b::8.8.8.8",
  "2002:808:808::1",
  "2620:fe::fe",
];

Deno.test("internal, reserved and smuggled addresses are internal", () => {
  for (const ip of INTERNAL) assert.equal(isInternalAddress(ip), true, ip);
});

Deno.test("public internet addresses are not internal", () => {
  for (const ip of PUBLIC) assert.equal(isInternalAddress(ip), false, ip);
});

Deno.test("parseIpv6 expands shorthand and embedded IPv4", () => {
  assert.deepEqual(parseIpv6("::ffff:1.2.3.4"), [0, 0, 0, 0, 0, 0xffff, 0x102, 0x304]);
  assert.deepEqual(parseIpv6("1::"), [1, 0, 0, 0, 0, 0, 0, 0]);
  assert.equal(parseIpv6("1.2.3.4::"), undefined);
  assert.equal(parseIpv6("1:2:3:4:5:6:7"), undefined);
});

Deno.test("isIpLiteral tells addresses from names", () => {
  assert.equal(isIpLiteral("127.0.0.1"), true);
  assert.equal(isIpLiteral("[::1]"), true);
  assert.equal(isIpLiteral("example.com"), false);
  assert.equal(isIpLiteral("0x7f000001"), false);
});

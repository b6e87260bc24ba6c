import assert from "node:assert/strict";
import { assertFetchable, type Lookup, resolveAllowed } from "../../../lib/sources/address_guard.ts";
import { UserError } from "../../../lib/user_error.ts";

/** A resolver for invented names, so no test depends on real DNS. */
const fakeLookup: Lookup = (hostname) => {
  const answers: Record<string, string[]> = {
    "media.example": ["93.184.215.14"],
    "sneaky.example": ["127.0.0.1"],
    "split.example": ["93.184.215.14", "10.0.0.5"],
    "v6.example": ["2606:2800:21f:cb07:6820:80da:af6b:8b2c"],
    "mapped.example": ["::ffff:7f00:1"],
    "metadata.example": ["169.254.169.254"],
  };
  const found = answers[hostname];
  return found ? Promise.resolve(found) : Promise.reject(new Error(`ENOTFOUND ${hostname}`));
};

const REFUSED: readonly [string, RegExp][] = [
  ["http://127.0.0.1/a.mp3", /"127\.0\.0\.1"/],
  ["http://2130706433/", /"127\.0\.0\.1"/], // decimal
  ["http://0x7f000001/", /"127\.0\.0\.1"/], // hex
  ["http://0177.0.0.1/", /"127\.0\.0\.1"/], // octal
  ["http://127.1/", /"127\.0\.0\.1"/], // short form
  ["http://0/", /"0\.0\.0\.0"/],
  ["http://[::1]:8080/", /"::1"/],
  ["http://[0:0:0:0:0:0:0:1]/", /"::1"/],
  ["http://[::ffff:127.0.0.1]/", /"::ffff:7f00:1"/],
  ["http://[::ffff:7f00:1]/", /"::ffff:7f00:1"/],
  ["http://[::127.0.0.1]/", /"::7f00:1"/],
  ["http://[fe80::1]/", /"fe80::1"/],
  ["http://[fd00::1]/", /"fd00::1"/],
  ["http://10.1.2.3/", /"10\.1\.2\.3"/],
  ["http://192.168.0.10:8096/", /"192\.168\.0\.10"/],
  ["http://169.254.169.254/latest/meta-data/", /"169\.254\.169\.254"/],
  ["http://100.100.100.100/", /"100\.100\.100\.100"/],
  ["http://sneaky.example/a.mp3", /"sneaky\.example" \(it resolves to 127\.0\.0\.1\)/],
  ["http://split.example/", /"split\.example" \(it resolves to 10\.0\.0\.5\)/],
  ["http://mapped.example/", /resolves to ::ffff:7f00:1/],
  ["https://metadata.example/", /resolves to 169\.254\.169\.254/],
  ["http://unknown.example/", /couldn't find the host "unknown\.example"/],
  ["ftp://media.example/a.mp3", /not "ftp:"/],
  ["file:///etc/passwd", /not "file:"/],
];

Deno.test("assertFetchable refuses private, local and tricky hosts", async () => {
  for (const [link, reason] of REFUSED) {
    await assert.rejects(
      assertFetchable(new URL(link), { allowPrivate: false, lookup: fakeLookup }),
      (error) => {
        assert.ok(error instanceof UserError, link);
        assert.ok(reason.test(error.message), `${link}: ${error.message}`);
        return true;
      },
    );
  }
});

Deno.test("assertFetchable allows public hosts and addresses", async () => {
  const allowed = [
    "https://media.example/a.mp3",
    "http://v6.example/",
    "http://1.1.1.1/",
    "https://[2606:4700::1111]/",
  ];
  for (const link of allowed) {
    await assertFetchable(new URL(link), { allowPrivate: false, lookup: fakeLookup });
  }
});

Deno.test("allowPrivate lets a home server through but still only http(s)", async () => {
  const policy = { allowPrivate: true, lookup: fakeLookup };
  await assertFetchable(new URL("http://192.168.0.10:8096/a.flac"), policy);
  await assertFetchable(new URL("http://sneaky.example/"), policy);
  await assert.rejects(assertFetchable(new URL("file:///etc/passwd"), policy), UserError);
});

Deno.test("the default resolver honours /etc/hosts: localhost is refused", async () => {
  await assert.rejects(
    assertFetchable(new URL("http://localhost:8080/"), { allowPrivate: false }),
    (error) => {
      assert.ok(error instanceof UserError);
      assert.ok(/"localhost" \(it resolves to (127\.0\.0\.1|::1)\)/.test(error.message), error.message);
      return true;
    },
  );
  await assert.rejects(assertFetchable(new URL("http://LOCALHOST./"), { allowPrivate: false }), UserError);
});

Deno.test("resolveAllowed returns the checked addresses to connect to", async () => {
  assert.deepEqual(await resolveAllowed("media.example", { allowPrivate: false, lookup: fakeLookup }), [
    "93.184.215.14",
  ]);
  assert.deepEqual(await resolveAllowed("::1", { allowPrivate: true, lookup: fakeLookup }), ["::1"]);
});

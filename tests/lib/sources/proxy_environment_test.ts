import assert from "node:assert/strict";
import { clearProxyEnvironment, PROXY_VARIABLES } from "../../../lib/sources/proxy_environment.ts";

Deno.test("after clearing, a client with an explicit proxy uses it even for a host NO_PROXY named", async () => {
  const quiet = { hostname: "127.0.0.1", port: 0, onListen() {} };
  const proxy = Deno.serve(quiet, () => new Response("through the proxy"));
  const target = Deno.serve(quiet, () => new Response("direct"));
  const saved = Object.fromEntries(PROXY_VARIABLES.map((name) => [name, Deno.env.get(name)]));
  try {
    for (const name of PROXY_VARIABLES) {
      Deno.env.set(
        name,
        name.endsWith("no_proxy") || name === "NO_PROXY" ? "127.0.0.1" : "http://127.0.0.1:9",
      );
    }
    clearProxyEnvironment();
    for (const name of PROXY_VARIABLES) assert.equal(Deno.env.get(name), undefined, name);
    const client = Deno.createHttpClient({ proxy: { url: `http://127.0.0.1:${proxy.addr.port}` } });
    try {
      const answer = await fetch(`http://127.0.0.1:${target.addr.port}/`, { client });
      assert.equal(await answer.text(), "through the proxy");
    } finally {
      client.close();
    }
  } finally {
    for (const [name, value] of Object.entries(saved)) if (value !== undefined) Deno.env.set(name, value);
    await proxy.shutdown();
    await target.shutdown();
  }
});

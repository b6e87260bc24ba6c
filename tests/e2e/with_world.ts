/**
 * Declares an end-to-end test that runs in a fresh TestWorld, closed afterwards whatever happens, and
 * checks that the bot never printed its token.
 */
import assert from "node:assert/strict";
import { TestWorld, type WorldOptions } from "./test_world.ts";

/** The body of a world test: the world, and the test context for steps. */
type WorldTestBody = (world: TestWorld, t: Deno.TestContext) => Promise<void>;

/**
 * Like Deno.test, with a world. The bot runs in another process and its sockets, timers and children
 * outlive single operations, so Deno's per-test op and resource sanitizers cannot judge them.
 */
export function worldTest(name: string, body: WorldTestBody, options: WorldOptions = {}): void {
  Deno.test({
    name,
    sanitizeOps: false,
    sanitizeResources: false,
    async fn(t) {
      const world = await TestWorld.start(options);
      // A failed step does not throw; count them so the bot's log is shown for those too.
      let failedSteps = 0;
      const counted = Object.assign(Object.create(t), {
        step: async (...args: unknown[]) => {
          const passed = await (t.step as (...args: unknown[]) => Promise<boolean>).apply(t, args);
          if (!passed) failedSteps++;
          return passed;
        },
      }) as Deno.TestContext;
      try {
        await body(world, counted);
      } catch (error) {
        failedSteps++;
        throw error;
      } finally {
        // What the bot printed is usually what explains a failure.
        if (failedSteps > 0) console.error(`The bot printed:\n${tail(world.botOutput, 80)}`);
        await world.close();
      }
      // Whatever happened in the test, the token must never have reached the bot's log.
      assert.ok(!world.botOutput.includes(world.discord.botToken), "the bot printed its token");
    },
  });
}

function tail(text: string, lines: number): string {
  return text.split("\n").slice(-lines).join("\n");
}

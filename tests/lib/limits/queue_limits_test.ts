import assert from "node:assert/strict";
import { queueRoom } from "../../../lib/limits/queue_limits.ts";

const caps = { perGuild: 500, perUser: 100 };

Deno.test("everything fits while both caps have room, with nothing to say", () => {
  assert.deepEqual(queueRoom({ guildQueued: 0, userQueued: 0, adding: 1 }, caps), { fits: 1 });
  assert.deepEqual(queueRoom({ guildQueued: 399, userQueued: 0, adding: 100 }, caps), { fits: 100 });
  assert.deepEqual(queueRoom({ guildQueued: 10, userQueued: 10, adding: 0 }, caps), { fits: 0 });
});

Deno.test("a full guild queue takes nothing and says so", () => {
  const room = queueRoom({ guildQueued: 500, userQueued: 3, adding: 1 }, caps);
  assert.equal(room.fits, 0);
  assert.equal(
    room.message,
    "Nothing was added: the queue holds at most 500 tracks. Let some play first, or ask a DJ to /clear.",
  );
});

Deno.test("a user at their own cap gets nothing, with a reply about their tracks", () => {
  const room = queueRoom({ guildQueued: 150, userQueued: 100, adding: 2 }, caps);
  assert.equal(room.fits, 0);
  assert.equal(
    room.message,
    "Nothing was added: one person may have at most 100 tracks waiting. Let some of yours play first, or " +
      "make room with /remove.",
  );
});

Deno.test("a playlist is cut to the room left, naming the tighter cap", () => {
  const userBound = queueRoom({ guildQueued: 100, userQueued: 90, adding: 50 }, caps);
  assert.deepEqual(userBound, {
    fits: 10,
    message: "Only 10 of the 50 tracks were added: one person may have at most 100 tracks waiting.",
  });
  const guildBound = queueRoom({ guildQueued: 480, userQueued: 0, adding: 50 }, caps);
  assert.deepEqual(guildBound, {
    fits: 20,
    message: "Only 20 of the 50 tracks were added: the queue holds at most 500 tracks.",
  });
});

Deno.test("counts already past a cap (a lowered limit) give no room, never a negative one", () => {
  const room = queueRoom({ guildQueued: 700, userQueued: 200, adding: 5 }, caps);
  assert.equal(room.fits, 0);
  assert.ok(room.message);
});

Deno.test("fits never exceeds what was asked nor either cap's room", () => {
  for (let guildQueued = 0; guildQueued <= 12; guildQueued += 3) {
    for (let userQueued = 0; userQueued <= guildQueued; userQueued += 2) {
      for (let adding = 0; adding <= 8; adding++) {
        const small = { perGuild: 10, perUser: 5 };
        const { fits, message } = queueRoom({ guildQueued, userQueued, adding }, small);
        const expected = Math.max(
          0,
          Math.min(adding, small.perGuild - guildQueued, small.perUser - userQueued),
        );
        assert.equal(fits, expected, JSON.stringify({ guildQueued, userQueued, adding }));
        assert.equal(message === undefined, fits === adding);
      }
    }
  }
});

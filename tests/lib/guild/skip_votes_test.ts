import assert from "node:assert/strict";
import { SkipVotes } from "../../../lib/guild/skip_votes.ts";

Deno.test("one of one listener passes at once", () => {
  assert.deepEqual(new SkipVotes().vote("t1", "a", ["a"]), { passed: true, votes: 1, needed: 1 });
});

Deno.test("it takes more than half: two of two, two of three, three of four", () => {
  assert.deepEqual(new SkipVotes().vote("t1", "a", ["a", "b"]), { passed: false, votes: 1, needed: 2 });
  const three = new SkipVotes();
  assert.deepEqual(three.vote("t1", "a", ["a", "b", "c"]), { passed: false, votes: 1, needed: 2 });
  assert.deepEqual(three.vote("t1", "b", ["a", "b", "c"]), { passed: true, votes: 2, needed: 2 });
  const four = new SkipVotes();
  four.vote("t1", "a", ["a", "b", "c", "d"]);
  assert.deepEqual(four.vote("t1", "b", ["a", "b", "c", "d"]), { passed: false, votes: 2, needed: 3 });
  assert.deepEqual(four.vote("t1", "c", ["a", "b", "c", "d"]), { passed: true, votes: 3, needed: 3 });
});

Deno.test("voting twice counts once", () => {
  const votes = new SkipVotes();
  votes.vote("t1", "a", ["a", "b", "c"]);
  assert.deepEqual(votes.vote("t1", "a", ["a", "b", "c"]), { passed: false, votes: 1, needed: 2 });
});

Deno.test("a voter who left no longer counts", () => {
  const votes = new SkipVotes();
  votes.vote("t1", "a", ["a", "b", "c", "d"]);
  votes.vote("t1", "b", ["a", "b", "c", "d"]);
  assert.deepEqual(votes.vote("t1", "c", ["b", "c", "d", "e"]), { passed: false, votes: 2, needed: 3 });
});

Deno.test("listeners leaving lowers the bar", () => {
  const votes = new SkipVotes();
  votes.vote("t1", "a", ["a", "b", "c", "d"]);
  assert.deepEqual(votes.vote("t1", "b", ["a", "b", "c"]), { passed: true, votes: 2, needed: 2 });
});

Deno.test("a vote from someone not listening does not count", () => {
  assert.deepEqual(new SkipVotes().vote("t1", "x", ["a", "b"]), { passed: false, votes: 0, needed: 2 });
});

Deno.test("repeated listener ids are one listener", () => {
  assert.deepEqual(new SkipVotes().vote("t1", "a", ["a", "a", "b", "b"]), {
    passed: false,
    votes: 1,
    needed: 2,
  });
});

Deno.test("a new track starts a new vote", () => {
  const votes = new SkipVotes();
  votes.vote("t1", "a", ["a", "b", "c"]);
  assert.deepEqual(votes.vote("t2", "b", ["a", "b", "c"]), { passed: false, votes: 1, needed: 2 });
});

Deno.test("reset forgets every vote", () => {
  const votes = new SkipVotes();
  votes.vote("t1", "a", ["a", "b", "c"]);
  votes.reset();
  assert.deepEqual(votes.vote("t1", "b", ["a", "b", "c"]), { passed: false, votes: 1, needed: 2 });
});

Deno.test("an empty channel never passes on an outsider's vote", () => {
  assert.deepEqual(new SkipVotes().vote("t1", "a", []), { passed: false, votes: 0, needed: 1 });
});

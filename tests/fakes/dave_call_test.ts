import assert from "node:assert/strict";
import { DaveCall } from "./dave_call.ts";
import { DaveExternalSender } from "./dave_external_sender.ts";
import { DaveListener } from "./dave_listener.ts";
import { waitUntil } from "./wait_until.ts";

const CHANNEL = "1200000000000000102";
const USERS = ["1100000000000000001", "1100000000000000002", "1100000000000000003"];

async function withCall(body: (call: DaveCall, join: (userId: string) => DaveListener) => Promise<void>) {
  const call = new DaveCall(CHANNEL, await DaveExternalSender.create());
  const members: DaveListener[] = [];
  const join = (userId: string) => {
    const member = new DaveListener(userId, CHANNEL);
    members.push(member);
    member.attach(call);
    call.connect(member);
    return member;
  };
  try {
    await body(call, join);
  } finally {
    call.close();
    for (const member of members) member.close();
  }
}

function speak(speaker: DaveListener, listener: DaveListener, text: string) {
  const frame = speaker.encrypt(new TextEncoder().encode(text));
  const heard = listener.receive(frame, speaker.userId);
  return { outcome: heard.outcome, text: new TextDecoder().decode(heard.opus) };
}

Deno.test("the first member's group takes in the second by its commit and welcome", async () => {
  await withCall(async (call, join) => {
    const first = join(USERS[0]);
    const second = join(USERS[1]);
    await waitUntil(() => first.ready && second.ready && !call.transitioning, "a group of two");

    assert.deepEqual(call.commits.map((c) => [c.committer, c.epoch, c.added]), [[USERS[0], 1n, [USERS[1]]]]);
    assert.deepEqual(first.groupUserIds().toSorted(), USERS.slice(0, 2));
    assert.equal(first.voicePrivacyCode, second.voicePrivacyCode);
    assert.deepEqual(speak(first, second, "hello"), { outcome: "encrypted", text: "hello" });
    assert.deepEqual(speak(second, first, "back"), { outcome: "encrypted", text: "back" });
  });
});

Deno.test("with three members one commit wins, the others follow it, and a leaver is removed", async () => {
  await withCall(async (call, join) => {
    const first = join(USERS[0]);
    const second = join(USERS[1]);
    await waitUntil(() => second.ready && !call.transitioning, "a group of two");
    const third = join(USERS[2]);
    await waitUntil(() => third.ready && call.epoch === 2n && !call.transitioning, "a group of three");
    assert.equal(first.epoch, 2n);
    assert.equal(second.epoch, 2n);
    assert.deepEqual(speak(second, third, "three"), { outcome: "encrypted", text: "three" });
    assert.ok(call.ignoredCommits >= 1, "the commit that lost the race was ignored");

    call.disconnect(USERS[0]);
    first.close();
    await waitUntil(() => call.epoch === 3n && !call.transitioning, "the removal");
    assert.deepEqual(call.commits.at(-1)?.removed, [USERS[0]]);
    assert.deepEqual(second.groupUserIds().toSorted(), USERS.slice(1));
    assert.deepEqual(speak(third, second, "two left"), { outcome: "encrypted", text: "two left" });
  });
});

Deno.test("a member left alone starts a new group that the next member joins", async () => {
  await withCall(async (call, join) => {
    const first = join(USERS[0]);
    const second = join(USERS[1]);
    await waitUntil(() => second.ready && !call.transitioning, "a group of two");
    call.disconnect(USERS[1]);
    second.close();
    await waitUntil(() => !first.ready, "the lone member to reset");
    const third = join(USERS[2]);
    await waitUntil(() => third.ready && first.ready && !call.transitioning, "a new group of two");
    assert.equal(third.epoch, 1n, "a new group starts again at epoch 1");
    assert.deepEqual(speak(first, third, "again"), { outcome: "encrypted", text: "again" });
    assert.equal(speak(first, third, "x").outcome, "encrypted");
    assert.equal(third.receive(new Uint8Array([1, 2, 3, 4]), USERS[0]).outcome, "passthrough");
  });
});

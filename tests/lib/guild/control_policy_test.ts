import assert from "node:assert/strict";
import {
  type ControlAction,
  type ControlDecision,
  type ControlRequest,
  decideControl,
  isDj,
} from "../../../lib/guild/control_policy.ts";

const BOT_CHANNEL = "900";

/** A listener in the bot's channel, not a DJ, acting on someone else's track. */
function request(action: ControlAction, overrides: Partial<ControlRequest> = {}): ControlRequest {
  return {
    action,
    actorId: "1",
    actorIsDj: false,
    actorVoiceChannelId: BOT_CHANNEL,
    botVoiceChannelId: BOT_CHANNEL,
    trackRequesterId: "2",
    listenerIds: ["1", "2", "3"],
    ...overrides,
  };
}

function reasonOf(decision: ControlDecision): string {
  assert.equal(decision.allowed, false, "expected a refusal");
  return decision.allowed ? "" : decision.reason;
}

function assertPolite(reason: string): void {
  assert.ok(/^[A-Z]/.test(reason), `sentence case: ${reason}`);
  assert.ok(/\.$/.test(reason), `ends with a full stop: ${reason}`);
}

const ALL_ACTIONS: ControlAction[] = [
  "skip",
  "vote-skip",
  "pause",
  "resume",
  "stop",
  "clear-others",
  "clear-mine",
  "remove",
  "move",
  "mode",
  "seek",
  "loop",
  "shuffle",
  "sort",
  "play-next",
  "leave",
  "autoplay",
  "stay",
  "lyrics",
];
const OPEN_TO_LISTENERS: ControlAction[] = [
  "vote-skip",
  "pause",
  "resume",
  "seek",
  "loop",
  "shuffle",
  "sort",
  "autoplay",
  "lyrics",
  "clear-mine",
];
const DJ_ONLY: ControlAction[] = ["stop", "clear-others", "mode", "play-next", "stay"];
const OWN_TRACK: ControlAction[] = ["skip", "remove", "move"];

Deno.test("a DJ may do everything, even from outside the channel", () => {
  for (const action of ALL_ACTIONS) {
    assert.deepEqual(decideControl(request(action, { actorIsDj: true })), { allowed: true }, action);
    const away = request(action, { actorIsDj: true, actorVoiceChannelId: undefined });
    assert.deepEqual(decideControl(away), { allowed: true }, action);
  }
});

Deno.test("any listener may pause, resume, seek, loop, shuffle, sort, toggle autoplay and vote", () => {
  for (const action of OPEN_TO_LISTENERS) {
    assert.deepEqual(decideControl(request(action)), { allowed: true }, action);
  }
});

Deno.test("the requester may skip, remove and move their own track", () => {
  for (const action of OWN_TRACK) {
    assert.deepEqual(decideControl(request(action, { trackRequesterId: "1" })), { allowed: true }, action);
  }
});

Deno.test("skipping someone else's track points at the vote", () => {
  const reason = reasonOf(decideControl(request("skip")));
  assert.ok(/DJ/.test(reason) && /asked for it/.test(reason), reason);
  assert.ok(/\/skip/.test(reason) && /vote/.test(reason), reason);
  assertPolite(reason);
});

Deno.test("a refused skip says how many more votes are needed when told", () => {
  const reason = reasonOf(decideControl(request("skip", { votesStillNeeded: 2 })));
  assert.equal(
    reason,
    "Only a DJ or the person who asked for it can skip this track. Use /skip again to vote: 2 more votes needed.",
  );
  const one = reasonOf(decideControl(request("skip", { votesStillNeeded: 1 })));
  assert.ok(one.endsWith("1 more vote needed."), one);
});

Deno.test("removing or moving someone else's track needs a DJ", () => {
  const remove = reasonOf(decideControl(request("remove")));
  assert.ok(/DJ/.test(remove) && /remove/.test(remove) && /your own/.test(remove), remove);
  const move = reasonOf(decideControl(request("move")));
  assert.ok(/DJ/.test(move) && /move/.test(move) && /your own/.test(move), move);
  assertPolite(remove);
  assertPolite(move);
});

Deno.test("a track with no known requester is nobody's own", () => {
  for (const action of OWN_TRACK) {
    assert.equal(decideControl(request(action, { trackRequesterId: undefined })).allowed, false, action);
  }
});

Deno.test("stop, clearing everyone's tracks, mode, play-next and 24/7 need a DJ", () => {
  for (const action of DJ_ONLY) {
    const reason = reasonOf(decideControl(request(action)));
    assert.ok(/^Only a DJ/.test(reason), reason);
    assertPolite(reason);
  }
});

Deno.test("DJ-only refusals suggest what works instead", () => {
  assert.ok(/\/skip/.test(reasonOf(decideControl(request("stop")))));
  assert.ok(/\/clear mine/.test(reasonOf(decideControl(request("clear-others")))));
  assert.ok(/everyone's turn/.test(reasonOf(decideControl(request("mode")))));
  assert.ok(/\/play/.test(reasonOf(decideControl(request("play-next")))));
});

Deno.test("owning the current track does not make someone a DJ", () => {
  for (const action of DJ_ONLY) {
    assert.equal(decideControl(request(action, { trackRequesterId: "1" })).allowed, false, action);
  }
});

Deno.test("a member outside the bot's channel cannot control it", () => {
  const controls = [
    ...OPEN_TO_LISTENERS.filter((a) => a !== "clear-mine"),
    "skip",
    "move",
  ] as ControlAction[];
  for (const action of controls) {
    const reason = reasonOf(
      decideControl(request(action, { actorVoiceChannelId: undefined, trackRequesterId: "1" })),
    );
    assert.ok(reason.includes(`<#${BOT_CHANNEL}>`) && /Join/.test(reason), reason);
    assertPolite(reason);
  }
});

Deno.test("a member in another channel is told to join the bot's", () => {
  const reason = reasonOf(decideControl(request("pause", { actorVoiceChannelId: "901" })));
  assert.ok(/different voice channel/.test(reason) && reason.includes(`<#${BOT_CHANNEL}>`), reason);
});

Deno.test("withdrawing your own requests works from anywhere", () => {
  const away = { actorVoiceChannelId: undefined, trackRequesterId: "1" };
  assert.deepEqual(decideControl(request("clear-mine", away)), { allowed: true });
  assert.deepEqual(decideControl(request("remove", away)), { allowed: true });
  assert.equal(decideControl(request("remove", { actorVoiceChannelId: undefined })).allowed, false);
});

Deno.test("the permission reason wins when joining would not help", () => {
  const reason = reasonOf(decideControl(request("stop", { actorVoiceChannelId: undefined })));
  assert.ok(/^Only a DJ/.test(reason), reason);
});

Deno.test("presence is not checked while the bot is in no channel", () => {
  const idle = { botVoiceChannelId: undefined, actorVoiceChannelId: undefined };
  for (const action of OPEN_TO_LISTENERS) {
    assert.deepEqual(decideControl(request(action, idle)), { allowed: true });
  }
  assert.equal(decideControl(request("stop", idle)).allowed, false);
});

Deno.test("leave needs a DJ while others listen", () => {
  const reason = reasonOf(decideControl(request("leave")));
  assert.ok(/^Only a DJ/.test(reason) && /others are listening/.test(reason), reason);
  assertPolite(reason);
});

Deno.test("anyone alone with the bot may make it leave", () => {
  assert.deepEqual(decideControl(request("leave", { listenerIds: ["1"] })), { allowed: true });
  assert.deepEqual(decideControl(request("leave", { listenerIds: [] })), { allowed: true });
});

Deno.test("being alone counts only inside the bot's channel, and only when known", () => {
  const elsewhere = request("leave", { listenerIds: [], actorVoiceChannelId: "901" });
  assert.equal(decideControl(elsewhere).allowed, false);
  assert.equal(decideControl(request("leave", { listenerIds: undefined })).allowed, false);
});

Deno.test("every refusal reads as a sentence", () => {
  for (const action of ALL_ACTIONS) {
    for (const overrides of [{}, { actorVoiceChannelId: undefined }, { actorVoiceChannelId: "901" }]) {
      const decision = decideControl(request(action, overrides));
      if (!decision.allowed) assertPolite(decision.reason);
    }
  }
});

const ROLES = [{ id: "r1", name: "DJ" }, { id: "r2", name: "Members" }];

Deno.test("isDj: a role with the configured name, in any case", () => {
  assert.equal(isDj({ roles: ["r1"] }, ROLES, "DJ"), true);
  assert.equal(isDj({ roles: ["r1"] }, ROLES, "dj"), true);
  assert.equal(isDj({ roles: ["r1"] }, [{ id: "r1", name: "dJ" }], "Dj"), true);
});

Deno.test("isDj: other roles or unknown role ids are not enough", () => {
  assert.equal(isDj({ roles: ["r2"] }, ROLES, "DJ"), false);
  assert.equal(isDj({ roles: ["r9"] }, ROLES, "DJ"), false);
  assert.equal(isDj({ roles: [] }, ROLES, "DJ"), false);
  assert.equal(isDj({ roles: ["r1"] }, ROLES, "DJs"), false);
  assert.equal(isDj({ roles: ["r1", "r2"] }, ROLES, ""), false);
});

Deno.test("isDj: Manage Channels or Administrator", () => {
  assert.equal(isDj({ roles: [], permissions: String(1 << 4) }, ROLES, "DJ"), true);
  assert.equal(isDj({ roles: [], permissions: String(1 << 3) }, ROLES, "DJ"), true);
  assert.equal(isDj({ roles: [], permissions: "2147483647" }, ROLES, "DJ"), true);
});

Deno.test("isDj: other permissions are not enough", () => {
  const others = (1n << 40n) | (1n << 5n) | (1n << 2n) | 1n;
  assert.equal(isDj({ roles: [], permissions: String(others) }, ROLES, "DJ"), false);
  assert.equal(isDj({ roles: [], permissions: "0" }, ROLES, "DJ"), false);
});

Deno.test("isDj: permission bit sets beyond 53 bits are read exactly", () => {
  const big = (1n << 50n) | (1n << 4n);
  assert.equal(isDj({ roles: [], permissions: big.toString() }, ROLES, "DJ"), true);
  assert.equal(isDj({ roles: [], permissions: (1n << 50n).toString() }, ROLES, "DJ"), false);
});

Deno.test("isDj: a malformed permission string counts as none", () => {
  for (const permissions of ["", "abc", "-16", "0x10", "16.0", " 16"]) {
    assert.equal(isDj({ roles: [], permissions }, ROLES, "DJ"), false, permissions);
  }
});

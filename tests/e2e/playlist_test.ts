/**
 * Saved playlists end to end: a queue saved, the bot killed with SIGKILL, the playlist played back and heard
 * in order; server playlists edited by a DJ and refused to others; ♥ on the now-playing card, then /liked;
 * adds at the same moment all kept.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { askUntil } from "../fakes/wait_until.ts";
import type { TestWorld } from "./test_world.ts";
import { answerText, firstResponse, privateAnswer } from "./bot_answers.ts";
import { addTone } from "./media_library.ts";
import { FAKE_SPOTIFY_SEED, startFakeSpotify } from "../fakes/fake_spotify.ts";
import { packetsFor, toneOrder, waitForTone } from "./received_audio.ts";
import { playlistCommand, playlistLines } from "./playlist_helpers.ts";
import { worldTest } from "./with_world.ts";

const TONES = [300, 500, 700];

/** Waits until the bot's saved state holds no track to carry on with (read from its own KV file). */
async function savedIdle(world: TestWorld): Promise<void> {
  const kv = await Deno.openKv(join(world.dataDir, "trazom.kv"));
  try {
    const key = ["guild", world.discord.guild.id, "playback"];
    await askUntil(async () => (await kv.get(key)).value === null || undefined, "the stop saved");
  } finally {
    kv.close();
  }
}

worldTest("a saved queue survives kill -9 and plays back in order as the player's own", async (world) => {
  const urls = [
    await addTone(world, "first.mp3", 300, 20),
    await addTone(world, "second.mp3", 500, 3),
    await addTone(world, "third.mp3", 700, 3),
  ];
  const first = await world.startBot();
  for (const url of urls) await answerText(world.play(url));
  const saved = await answerText(playlistCommand(world, "save", { name: "Friday" }));
  assert.match(saved, /Saved 3 tracks as your playlist "Friday"/);
  const dj = [world.discord.guild.djRoleId];
  const stopped = await answerText(
    world.discord.sendCommand({ name: "stop", userId: world.alice, roles: dj }),
  );
  assert.match(stopped, /Stopped/i);
  // The kill must find the stop saved, or the restart would carry on with the stopped track first.
  await savedIdle(world);
  await first.kill();

  await world.startBot();
  const listing = await answerText(playlistCommand(world, "list", {}));
  assert.match(listing, /Friday\*\* · 3 tracks/, listing);
  const restartedAt = Date.now();
  const from = world.voice.audioPackets().length;
  const reply = await answerText(playlistCommand(world, "play", { name: "friday" }));
  assert.equal(reply, 'Queued 3 tracks from "Friday".');
  const heard = await waitForTone(world.voice, restartedAt, 300, { candidatesHz: TONES, dir: world.dataDir });
  // A second of the first tone, so the order read back below finds it; the other nineteen are not needed.
  await world.voice.waitUntil(
    () => world.voice.audioPackets().length >= heard.index + packetsFor(1),
    30_000,
    "a second of the first track",
  );
  assert.match(await answerText(world.discord.sendCommand({ name: "skip", userId: world.alice })), /Skipped/);
  const skippedAt = world.voice.audioPackets().length;
  await world.voice.waitUntil(
    () => world.voice.audioPackets().length >= skippedAt + packetsFor(6) - 20,
    90_000,
    "the two tracks after the first",
  );
  assert.deepEqual(await toneOrder(world.voice.audioPackets().slice(from), world.dataDir, TONES), TONES);
});

worldTest(
  "a server playlist is changed by a DJ, refused to anyone else, and played by everyone",
  async (world) => {
    const url = await addTone(world, "song.mp3", 500, 20);
    await world.startBot();
    const dj = { roles: [world.discord.guild.djRoleId] };
    const added = await answerText(
      playlistCommand(world, "add", { name: "House", query: url, scope: "server" }, world.alice, dj),
    );
    assert.match(added, /Added "song.*" to "House" \(1 tracks\)/, added);

    const refused = await privateAnswer(
      playlistCommand(world, "add", { name: "House", query: url, scope: "server" }, world.bob),
    );
    assert.match(refused, /Only a DJ can change this server's playlists/);
    const refusedDelete = await privateAnswer(
      playlistCommand(world, "delete", { name: "House", scope: "server" }, world.bob),
    );
    assert.match(refusedDelete, /Only a DJ/);
    assert.deepEqual(
      await playlistLines(world, "House", "server", world.bob),
      [url],
      "unchanged by the refusals",
    );
    assert.match(
      await answerText(playlistCommand(world, "list", { scope: "server" }, world.bob)),
      /House\*\* · 1 tracks/,
    );
    assert.match(
      await answerText(playlistCommand(world, "list", {}, world.bob)),
      /Your playlists: none yet/,
      "a server's playlist is not anyone's own",
    );

    world.discord.setVoiceState(world.bob, world.discord.guild.voiceChannelId);
    const played = await answerText(
      playlistCommand(world, "play", { name: "house", scope: "server" }, world.bob),
    );
    assert.equal(played, 'Queued 1 track from "House".');
    await world.voice.waitForPackets(50, 30_000);

    const suggestions = await firstResponse(world.discord.sendAutocomplete({
      name: "playlist",
      userId: world.bob,
      options: [{
        name: "play",
        type: 1,
        options: [
          { name: "name", type: 3, value: "ho", focused: true },
          { name: "scope", type: 3, value: "server" },
        ],
      }],
    }));
    assert.deepEqual((suggestions.data as { choices: unknown[] }).choices, [{
      name: "House",
      value: "House",
    }]);

    const prompt = playlistCommand(world, "delete", { name: "House", scope: "server" }, world.alice, dj);
    const question = await firstResponse(prompt);
    const data = question.data as {
      content: string;
      flags: number;
      components: { components: { custom_id: string }[] }[];
    };
    assert.match(data.content, /Delete server playlist "House" and its 1 tracks\?/);
    assert.equal(data.flags, 64, "asked privately");
    const [yes] = data.components[0].components;
    const press = (userId: string, extra = {}) =>
      firstResponse(world.discord.sendComponent({
        customId: yes.custom_id,
        messageId: prompt.originalMessageId!,
        userId,
        ...extra,
      }));
    const otherPress = await press(world.bob);
    assert.match(String((otherPress.data as { content: string }).content), /Only the person who asked/);
    const confirmed = await press(world.alice, dj);
    assert.match(
      String((confirmed.data as { content: string }).content),
      /Deleted server playlist "House" and its 1 tracks/,
    );
    assert.match(
      await answerText(playlistCommand(world, "list", { scope: "server" }, world.bob)),
      /none yet/,
    );
  },
);

worldTest(
  "♥ on the now-playing card keeps the song in the presser's Liked; /liked lists it",
  async (world) => {
    const url = await addTone(world, "liked.mp3", 500, 30);
    await world.startBot();
    await answerText(world.play(url));
    await world.voice.waitForPackets(50, 30_000);
    const card = world.discord.sendCommand({ name: "nowplaying", userId: world.alice });
    const body = (await firstResponse(card)).data as {
      components: { components: { custom_id: string }[] }[];
    };
    const like = body.components[0].components.find((button) => button.custom_id.startsWith("np:like:"));
    assert.ok(like, "the card has a ♥ button");

    const press = () =>
      privateAnswer(world.discord.sendComponent({
        customId: like.custom_id,
        messageId: card.originalMessageId!,
        userId: world.bob,
      }));
    assert.match(await press(), /Added "liked.*" to your Liked songs \(1\)/);
    assert.match(await press(), /already in "Liked"/, "a second ♥ adds no copy");

    const liked = await firstResponse(world.discord.sendCommand({ name: "liked", userId: world.bob }));
    const embed = (liked.data as { embeds: { title: string; description: string }[] }).embeds[0];
    assert.equal(embed.title, "Liked songs");
    assert.match(embed.description, /\*\*1\.\*\* \[\*\*liked/);
    assert.match(
      await privateAnswer(world.discord.sendCommand({ name: "liked", userId: world.alice })),
      /You have not liked any songs yet/,
      "Liked is the presser's own",
    );
    world.discord.setVoiceState(world.bob, world.discord.guild.voiceChannelId);
    assert.equal(
      await answerText(playlistCommand(world, "play", { name: "liked" }, world.bob)),
      'Queued 1 track from "Liked".',
    );
  },
);

worldTest("/playlist add at the same moment, five times over, keeps all five", async (world) => {
  // The fake answers the five lookups at once, so the five edits of the playlist meet.
  const spotify = startFakeSpotify({ holdEmbeds: { together: 5 } });
  world.closeWith(() => spotify.close());
  await world.startBot({
    SPOTIFY_API_URL: spotify.url,
    SPOTIFY_ACCOUNTS_URL: spotify.url,
    SPOTIFY_EMBED_URL: spotify.url,
  });
  const links = FAKE_SPOTIFY_SEED.tracks.slice(0, 5).map((track) =>
    `https://open.spotify.com/track/${track.id}`
  );
  const answers = await Promise.all(
    links.map((query) => answerText(playlistCommand(world, "add", { name: "Mix", query }))),
  );
  assert.ok(answers.every((answer) => /^Added "/.test(answer)), answers.join("\n"));
  assert.deepEqual((await playlistLines(world, "Mix")).toSorted(), links.toSorted());
});

/**
 * Playlists in and out, and at their largest: a Spotify playlist imported as a snapshot, exported as a text
 * file and imported again from that file as an attachment, giving the same list; a playlist of 1000 tracks
 * listed by pages and played into the fair queue beside another person's songs.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { PlaylistStore } from "../../lib/playlists/playlist_store.ts";
import type { PlaylistTrack } from "../../lib/playlists/playlist_model.ts";
import { FAKE_SPOTIFY_SEED, startFakeSpotify } from "../fakes/fake_spotify.ts";
import { answerText, firstResponse } from "./bot_answers.ts";
import { addTone } from "./media_library.ts";
import { exportedText, linksOf, playlistCommand } from "./playlist_helpers.ts";
import { worldTest } from "./with_world.ts";

worldTest(
  "a Spotify playlist is imported, exported, and imported again from the file as the same list",
  async (world) => {
    const spotify = startFakeSpotify();
    world.closeWith(() => spotify.close());
    const song = await addTone(world, "extra.mp3", 500, 2);
    await world.startBot({
      SPOTIFY_API_URL: spotify.url,
      SPOTIFY_ACCOUNTS_URL: spotify.url,
      SPOTIFY_EMBED_URL: spotify.url,
    });
    const link = `https://open.spotify.com/playlist/${FAKE_SPOTIFY_SEED.playlist.id}`;
    const imported = await answerText(playlistCommand(world, "import", { name: "Road Trip", link }));
    assert.match(imported, /^Imported 2 tracks into your playlist "Road Trip"\./, imported);
    const expected = [FAKE_SPOTIFY_SEED.tracks[2].id, FAKE_SPOTIFY_SEED.tracks[0].id];
    const exported = await exportedText(world, "road trip");
    assert.match(exported, /^# Road Trip: 2 tracks/);
    const links = linksOf(exported);
    assert.deepEqual(links.map((line) => /track\/(\w+)/.exec(line)?.[1]), expected, exported);

    // The file as a person would edit it: the exported lines, a link of their own, and a line that finds nothing.
    const missing = `https://open.spotify.com/track/${FAKE_SPOTIFY_SEED.missingId}`;
    const file = world.discord.attachment("road trip.txt", `${exported}${song}\n${missing}\n`);
    const reimported = await answerText(playlistCommand(
      world,
      "import",
      { name: "Again", file: file.id },
      world.alice,
      {},
      { attachments: { [file.id]: file } },
    ));
    assert.match(reimported, /^Imported 3 tracks into your playlist "Again"\./, reimported);
    assert.match(reimported, /1 found nothing: "https:\/\/open\.spotify\.com\/track\//, reimported);
    const again = linksOf(await exportedText(world, "Again"));
    assert.deepEqual(again, [...links, song], "the same list, then the added link");

    const copy = world.discord.attachment("copy.txt", exported);
    await answerText(playlistCommand(
      world,
      "import",
      { name: "Copy", file: copy.id },
      world.alice,
      {},
      { attachments: { [copy.id]: copy } },
    ));
    assert.equal(
      await exportedText(world, "Copy"),
      exported.replace("# Road Trip:", "# Copy:"),
      "export ∘ import",
    );
  },
);

worldTest(
  "a playlist of 1000 tracks is listed by pages and queued beside another person's songs, turns alternating",
  async (world) => {
    const seconds = 20;
    const tone = await addTone(world, "p.mp3", 300, seconds);
    const bobSongs = [
      await addTone(world, "b1.mp3", 500, seconds),
      await addTone(world, "b2.mp3", 700, seconds),
    ];
    const tracks: PlaylistTrack[] = Array.from({ length: 1000 }, (_, i) => ({
      source: { kind: "url", url: `${tone}?n=${i + 1}` },
      title: `Song ${i + 1}`,
      // Of unknown length, like every direct media link (Bob's too): each is charged the same airtime.
      url: `${tone}?n=${i + 1}`,
    }));
    // Built at the store, as the bot would keep it; the bot then reads it from its own data folder.
    const kv = await Deno.openKv(join(world.dataDir, "trazom.kv"));
    try {
      await new PlaylistStore(kv, { perUser: 50, tracks: 1000 }).create(
        { kind: "user", userId: world.alice },
        "Everything",
        tracks,
      );
    } finally {
      kv.close();
    }
    world.discord.setVoiceState(world.bob, world.discord.guild.voiceChannelId);
    await world.startBot();

    const show = playlistCommand(world, "show", { name: "everything", page: 2 });
    const page2 = (await firstResponse(show)).data as Listing;
    assert.equal(page2.embeds[0].footer.text, `Page 2/100 · <@${world.alice}>'s playlist`);
    assert.match(page2.embeds[0].description, /^\*\*1000 tracks\*\* · length unknown/);
    assert.deepEqual(numbersOf(page2), [11, 12, 13, 14, 15, 16, 17, 18, 19, 20]);
    const next = page2.components[0].components[1];
    const turned = await firstResponse(world.discord.sendComponent({
      customId: next.custom_id,
      messageId: show.originalMessageId!,
      userId: world.bob,
    }));
    assert.equal(turned.type, 7, "the listing is redrawn in place");
    assert.deepEqual(numbersOf(turned.data as Listing), [21, 22, 23, 24, 25, 26, 27, 28, 29, 30]);

    const played = await answerText(playlistCommand(world, "play", { name: "Everything" }));
    assert.match(played, /^Queued 100 of the 1000 tracks from "Everything"; 900 left out\./, played);
    assert.match(played, /one person may have at most 100 tracks waiting/);
    for (const song of bobSongs) await answerText(world.play(song, world.bob));

    const listing = await firstResponse(world.discord.sendCommand({ name: "queue", userId: world.alice }));
    const lines = (listing.data as Listing).embeds[0].description.split("\n").filter((l) =>
      /^\*\*\d+\.\*\*/.test(l)
    );
    const who = lines.slice(0, 5).map((line) => line.includes(`<@${world.bob}>`) ? "bob" : "alice");
    assert.deepEqual(who, ["bob", "alice", "bob", "alice", "alice"], lines.join("\n"));
    assert.match((listing.data as Listing).embeds[0].description, /^\*\*101 tracks\*\*/);
  },
);

interface Listing {
  embeds: { description: string; footer: { text: string } }[];
  components: { components: { custom_id: string }[] }[];
}

function numbersOf(listing: Listing): number[] {
  return [...listing.embeds[0].description.matchAll(/^\*\*(\d+)\.\*\*/gm)].map((match) => Number(match[1]));
}

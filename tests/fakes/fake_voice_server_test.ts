import assert from "node:assert/strict";
import { join } from "node:path";
import { decodedDurationSeconds, dominantFrequency, runFfmpeg } from "./audio_analysis.ts";
import { FakeVoiceServer, type ReceivedPacket } from "./fake_voice_server.ts";
import { oggOpusFile } from "./ogg_opus_writer.ts";
import { createTestCertificates, type TestCertificates, trustEnv } from "./test_ca.ts";

const PROBE = new URL("./voice_client_probe.ts", import.meta.url).pathname;
const PROJECT_ROOT = new URL("../../", import.meta.url).pathname;

// The permissions the bot runs with: davey is a Node-API addon (ffi), probes libc (sys), reads env toggles.
const CLIENT_PERMISSIONS = [
  "--allow-net",
  "--allow-ffi",
  "--allow-read",
  "--allow-sys",
  "--allow-env=NAPI_RS_NATIVE_LIBRARY_PATH,NAPI_RS_FORCE_WASI,WS_NO_BUFFER_UTIL,WS_NO_UTF_8_VALIDATE",
];

interface Fixture {
  readonly certs: TestCertificates;
  readonly server: FakeVoiceServer;
  readonly oggPath: (name: string) => string;
}

async function withVoiceServer(daveProtocolVersion: number, body: (fixture: Fixture) => Promise<void>) {
  const certs = await createTestCertificates();
  const server = await FakeVoiceServer.start({
    certPem: certs.certPem,
    keyPem: certs.keyPem,
    daveProtocolVersion,
  });
  try {
    await body({ certs, server, oggPath: (name) => join(certs.dir, name) });
  } finally {
    await server.close();
    await certs.cleanup();
  }
}

async function makeOpusTone(path: string, frequencyHz: number, seconds: number): Promise<void> {
  const source = `sine=frequency=${frequencyHz}:sample_rate=48000:duration=${seconds}`;
  const encode = ["-c:a", "libopus", "-ar", "48000", "-ac", "2", "-frame_duration", "20"];
  await runFfmpeg(["-v", "error", "-y", "-f", "lavfi", "-i", source, ...encode, path]);
}

/** Starts the probe client; its trust in the test CA must be set before the process starts. */
function spawnProbe({ certs, server }: Fixture, audioPath: string): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", ...CLIENT_PERMISSIONS, PROBE, server.endpoint, audioPath],
    cwd: PROJECT_ROOT,
    env: trustEnv(certs.caPath),
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

async function probeOutcome(child: Deno.ChildProcess): Promise<string[]> {
  const { code, stdout, stderr } = await child.output();
  const events = new TextDecoder().decode(stdout).trim().split("\n").map((line) => JSON.parse(line).event);
  assert.equal(code, 0, `probe failed: ${new TextDecoder().decode(stderr)}`);
  return events;
}

async function decodeReceived(packets: readonly ReceivedPacket[], path: string): Promise<string> {
  await Deno.writeFile(path, oggOpusFile(packets.map((packet) => packet.opus)));
  return path;
}

function median(values: number[]): number {
  const sorted = values.toSorted((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

Deno.test("a @discordjs/voice client identifies, and its audio arrives decrypted and decodable", async () => {
  await withVoiceServer(0, async (fixture) => {
    const { server, oggPath } = fixture;
    await makeOpusTone(oggPath("tone.ogg"), 440, 3);

    const events = await probeOutcome(spawnProbe(fixture, oggPath("tone.ogg")));

    assert.deepEqual(events, ["ready", "playing", "finished"]);
    assert.equal(server.identifies.length, 1);
    const [identify] = server.identifies;
    assert.equal(identify.token, "probe-token");
    assert.equal(identify.session_id, "probe-session");
    assert.ok(identify.max_dave_protocol_version! >= 1, "the client offers DAVE");
    assert.equal(server.sockets[0].selectedMode, "aead_aes256_gcm_rtpsize");
    // The client says it stopped speaking after its last frames; that message may still be on its way.
    await server.waitUntil(() => server.sockets[0].speaking.length >= 2, 10_000, "stop speaking");
    assert.deepEqual(server.sockets[0].speaking.map((s) => s.speaking), [1, 0]);
    assert.equal(server.decryptFailures, 0);
    assert.deepEqual(server.keyPackages, []);

    const audio = server.audioPackets();
    assert.ok(Math.abs(audio.length - 150) <= 3, `${audio.length} audio packets for 3 s`);
    for (const [i, packet] of server.packets.entries()) {
      if (i === 0) continue;
      assert.equal(packet.sequence, (server.packets[i - 1].sequence + 1) % 65_536);
      assert.equal(packet.timestamp, (server.packets[i - 1].timestamp + 960) % 2 ** 32);
      assert.equal(packet.ssrc, server.sockets[0].ssrc);
    }
    const gaps = audio.slice(1).map((packet, i) => packet.arrivalMs - audio[i].arrivalMs);
    // Paced, not sent in a burst (whose median gap would be near 0); how close to 20 ms is a bench number.
    console.log(`median packet spacing ${median(gaps).toFixed(1)} ms`);
    assert.ok(median(gaps) >= 15, `median packet spacing ${median(gaps)} ms`);

    const received = await decodeReceived(audio, oggPath("received.ogg"));
    assert.ok(Math.abs(await dominantFrequency(received) - 440) < 2);
    assert.ok(Math.abs(await decodedDurationSeconds(received) - 3) < 0.1);
  });
});

Deno.test("asked for DAVE, the client sends its MLS key package", async () => {
  await withVoiceServer(1, async (fixture) => {
    const { server, oggPath } = fixture;
    await makeOpusTone(oggPath("tone.ogg"), 440, 1);

    await probeOutcome(spawnProbe(fixture, oggPath("tone.ogg")));

    assert.equal(server.keyPackages.length, 1);
    // An MLS 1.0 KeyPackage starts with its protocol version (mls10 = 1) and cipher suite (DAVE uses 2: P-256).
    assert.deepEqual([...server.keyPackages[0].subarray(0, 4)], [0, 1, 0, 2]);
    // With no MLS group formed, the client falls back to transport encryption only.
    assert.ok(server.audioPackets().length >= 45);
  });
});

Deno.test("with a DAVE listener in the call, the client's audio arrives end-to-end encrypted and decrypts", async () => {
  await withVoiceServer(1, async (fixture) => {
    const { server, oggPath } = fixture;
    await makeOpusTone(oggPath("tone.ogg"), 440, 3);
    // The probe's ids (voice_client_probe.ts): its channel is the MLS group's id.
    server.voiceChannelOf = () => "100000000000000002";
    const listener = server.addListener("100000000000000009", "100000000000000002");

    await probeOutcome(spawnProbe(fixture, oggPath("tone.ogg")));

    const call = server.call("100000000000000002")!;
    assert.deepEqual(call.commits.map((c) => [c.committer, c.added]), [["100000000000000009", [
      "100000000000000003",
    ]]]);
    const decrypted = server.audioPackets().filter((packet) => packet.e2ee === "encrypted");
    // A bare @discordjs/voice client starts in the clear until its group forms: the bot has to wait for it.
    assert.ok(decrypted.length >= 120, `${decrypted.length} of ${server.audioPackets().length} decrypted`);
    assert.ok(listener.frames.filter((frame) => frame.outcome === "encrypted").length >= 120);
    const received = await decodeReceived(decrypted, oggPath("received.ogg"));
    assert.ok(Math.abs(await dominantFrequency(received) - 440) < 2);
  });
});

Deno.test("the client resumes after a 4015 close and after a dropped connection, and keeps playing", async () => {
  await withVoiceServer(0, async (fixture) => {
    const { server, oggPath } = fixture;
    await makeOpusTone(oggPath("tone.ogg"), 440, 4);
    const probe = spawnProbe(fixture, oggPath("tone.ogg"));

    await server.waitForPackets(25, 10_000);
    server.closeVoiceSockets(4015);
    await server.waitUntil(() => server.resumes.length === 1, 5_000, "a resume after 4015");
    // A link lost while resuming makes the client identify afresh: let the resume finish first.
    await server.waitForPackets(server.packets.length + 10, 5_000);
    server.dropConnections();
    await server.waitUntil(() => server.resumes.length === 2, 5_000, "a resume after a dropped link");
    await probeOutcome(probe);

    assert.equal(server.identifies.length, 1, "resumed, not re-identified");
    assert.deepEqual(server.sockets.map((socket) => socket.ssrc), [1000, 1000, 1000]);
    assert.deepEqual(server.sockets.slice(0, 2).map((socket) => socket.closeCode), [4015, 1006]);
    assert.equal(server.resumes[0].session_id, "probe-session");
    assert.ok(server.audioPackets().length >= 190, `${server.audioPackets().length} audio packets for 4 s`);
  });
});

Deno.test("a server that stops answering receives nothing until it answers again", async () => {
  await withVoiceServer(0, async (fixture) => {
    const { server, oggPath } = fixture;
    await makeOpusTone(oggPath("tone.ogg"), 440, 3);
    const probe = spawnProbe(fixture, oggPath("tone.ogg"));

    await server.waitForPackets(25, 10_000);
    server.stopAnswering();
    const countWhenSilent = server.packets.length;
    // The client goes on sending (15 frames, 300 ms of audio); the silent server keeps none of them.
    await server.waitUntil(
      () => server.unansweredDatagrams >= 15,
      5_000,
      "datagrams sent to a silent server",
    );
    assert.equal(server.packets.length, countWhenSilent);
    server.resumeAnswering();
    await server.waitForPackets(countWhenSilent + 10, 5_000);
    await probeOutcome(probe);

    assert.equal(server.sockets.length, 1, "a short silence does not cost the connection");
  });
});

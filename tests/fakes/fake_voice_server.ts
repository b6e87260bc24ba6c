/**
 * A Discord voice server on loopback, enough for @discordjs/voice 0.19: a TLS WebSocket gateway (v8) and a UDP
 * socket that answers IP discovery and decrypts the RTP audio the client sends.
 *
 * With `daveProtocolVersion: 1` it also runs DAVE as Discord does (see dave_call.ts): it is the MLS group's
 * external sender, and the listeners added with `addListener` are group members with their own davey
 * sessions. Each packet's `opus` is then the frame as the first listener decrypted it, and `e2ee` says how it
 * arrived.
 */
import { Buffer } from "node:buffer";
import { randomBytes } from "node:crypto";
import { createSocket, type RemoteInfo, type Socket } from "node:dgram";
import type { DaveCall } from "./dave_call.ts";
import { DaveCalls, type DaveConnection } from "./dave_calls.ts";
import { DaveExternalSender } from "./dave_external_sender.ts";
import { DaveOp, parseClientBinaryFrame, serverBinaryFrame } from "./dave_frames.ts";
import type { DaveListener, E2eeOutcome } from "./dave_listener.ts";
import { DroppingRelay } from "./dropping_relay.ts";
import {
  type IdentifyPayload,
  type ResumePayload,
  type SpeakingPayload,
  VoiceOp,
} from "./voice_gateway_payloads.ts";
import { AES_GCM_RTPSIZE, decryptRtp, isSilenceFrame, type RtpPacket, rtpSsrc } from "./voice_rtp.ts";

/** What Discord's real voice servers use; shorter intervals work too. */
export const DISCORD_HEARTBEAT_INTERVAL_MS = 13_750;

/** Options for `FakeVoiceServer.start`. */
export interface FakeVoiceServerOptions {
  /** Leaf certificate PEM; the client must trust its CA (see test_ca.ts). */
  readonly certPem: string;
  readonly keyPem: string;
  /** 0 (default): transport encryption only. 1: ask the client for DAVE, which makes it send a key package. */
  readonly daveProtocolVersion?: number;
  /** Close with 4017, as Discord does, when Identify offers no DAVE support. */
  readonly requireDave?: boolean;
  readonly heartbeatIntervalMs?: number;
  /** The voice channel of the call (the MLS group id) for clients whose channel `voiceChannelOf` cannot tell. */
  readonly channelId?: string;
}

/** One voice WebSocket connection and everything the client sent on it. */
export interface VoiceSocketRecord {
  readonly id: number;
  readonly openedAt: number;
  identify?: IdentifyPayload;
  resume?: ResumePayload;
  selectedMode?: string;
  ssrc?: number;
  heartbeats: number;
  readonly speaking: SpeakingPayload[];
  readonly keyPackages: Uint8Array[];
  /** Set once the socket closed, with the close code either side used (1006 for an abrupt end). */
  closeCode?: number;
}

/** A decrypted RTP packet with its arrival time. */
export interface ReceivedPacket extends RtpPacket {
  /**
   * How the Opus frame arrived: end-to-end encrypted and decrypted by a listener, in the clear (no DAVE layer),
   * or encrypted but not decryptable by any listener (`opus` is then the encrypted frame).
   */
  readonly e2ee: E2eeOutcome;
  /** `performance.now()` when the datagram arrived: use for spacing and jitter. */
  readonly arrivalMs: number;
  /** `Date.now()` when the datagram arrived: use to line up with other clocks. */
  readonly receivedAt: number;
}

interface Waiter {
  readonly ready: () => boolean;
  readonly resolve: () => void;
}

type Json = { op: number; d: unknown };

/** How to send on one voice WebSocket. */
interface SocketLink {
  send(payload: Json): void;
  sendBinary(opcode: number, payload: Uint8Array): void;
}

/** The fake guild's voice channel (fake_guild.ts): the call of clients whose channel is unknown. */
const DEFAULT_CHANNEL_ID = "1200000000000000102";

/** A fake Discord voice server on 127.0.0.1. Start with `FakeVoiceServer.start`. */
export class FakeVoiceServer {
  /** Every voice WebSocket connection, in order of arrival. */
  readonly sockets: VoiceSocketRecord[] = [];
  /** Every RTP packet that decrypted, in order of arrival. */
  readonly packets: ReceivedPacket[] = [];
  /** Datagrams that looked like RTP but failed to decrypt. */
  decryptFailures = 0;
  /** Datagrams that arrived while the server was not answering (see `stopAnswering`), and were dropped. */
  unansweredDatagrams = 0;
  readonly #options: Required<FakeVoiceServerOptions>;
  readonly #http: Deno.HttpServer<Deno.NetAddr>;
  readonly #relay: DroppingRelay;
  readonly #udp: Socket;
  readonly #open = new Map<VoiceSocketRecord, WebSocket>();
  readonly #keys = new Map<number, Uint8Array>();
  readonly #ssrcBySession = new Map<string, number>();
  readonly #waiters = new Set<Waiter>();
  readonly #links = new Map<VoiceSocketRecord, SocketLink>();
  readonly #userBySsrc = new Map<number, string>();
  readonly #dave: DaveCalls;
  #answering = true;
  #nextSsrc = 1000;
  /** Which voice channel a user is in, as the main gateway knows it; decides the call a client joins. */
  voiceChannelOf: (userId: string) => string | null = () => null;

  private constructor(options: Required<FakeVoiceServerOptions>, udp: Socket, sender: DaveExternalSender) {
    this.#options = options;
    this.#dave = new DaveCalls(sender, () => this.#changed());
    this.#udp = udp;
    udp.on("message", (message: Buffer, remote: RemoteInfo) => {
      this.#onDatagram(new Uint8Array(message.buffer, message.byteOffset, message.byteLength), remote);
    });
    const { certPem: cert, keyPem: key } = options;
    this.#http = Deno.serve(
      { hostname: "127.0.0.1", port: 0, cert, key, onListen: () => {} },
      (request) => this.#onRequest(request),
    );
    this.#relay = DroppingRelay.start(this.#http.addr.port);
  }

  /** Starts the gateway and UDP socket on free loopback ports. */
  static async start(options: FakeVoiceServerOptions): Promise<FakeVoiceServer> {
    const udp = createSocket("udp4");
    await new Promise<void>((resolve, reject) => {
      udp.once("error", reject);
      udp.bind(0, "127.0.0.1", () => resolve());
    });
    return new FakeVoiceServer(
      {
        daveProtocolVersion: 0,
        requireDave: false,
        heartbeatIntervalMs: DISCORD_HEARTBEAT_INTERVAL_MS,
        channelId: DEFAULT_CHANNEL_ID,
        ...options,
      },
      udp,
      await DaveExternalSender.create(),
    );
  }

  /** What VOICE_SERVER_UPDATE's `endpoint` carries; the client connects to `wss://{endpoint}?v=8`. */
  get endpoint(): string {
    return `localhost:${this.#relay.port}`;
  }

  /** The UDP port announced in Ready. */
  get udpPort(): number {
    return (this.#udp.address() as { port: number }).port;
  }

  /** Identify payloads, in order. */
  get identifies(): IdentifyPayload[] {
    return this.sockets.flatMap((socket) => socket.identify ? [socket.identify] : []);
  }

  /** Resume payloads, in order. */
  get resumes(): ResumePayload[] {
    return this.sockets.flatMap((socket) => socket.resume ? [socket.resume] : []);
  }

  /** MLS key packages (binary op 26), in order. */
  get keyPackages(): Uint8Array[] {
    return this.sockets.flatMap((socket) => socket.keyPackages);
  }

  /** Received packets that carry audio a listener can play: all but silence frames and undecryptable ones. */
  audioPackets(): ReceivedPacket[] {
    return this.packets.filter((packet) => !isSilenceFrame(packet.opus) && packet.e2ee !== "undecryptable");
  }

  /** The DAVE call in `channelId` (the default channel if not given), once anyone joined it. */
  call(channelId = this.#options.channelId): DaveCall | undefined {
    return this.#dave.call(channelId);
  }

  /** A listener (a DAVE member with its own davey session) joins the call in `channelId`. */
  addListener(userId: string, channelId = this.#options.channelId): DaveListener {
    return this.#dave.addListener(userId, channelId);
  }

  /** A listener leaves its call. */
  removeListener(userId: string): void {
    this.#dave.removeListener(userId);
  }

  /** The listeners in a call, in the order they joined. */
  listeners(channelId = this.#options.channelId): DaveListener[] {
    return this.#dave.listeners(channelId);
  }

  /** Resolves once `ready()` holds; rejects after `timeoutMs`, naming `what` was awaited. */
  waitUntil(ready: () => boolean, timeoutMs: number, what: string): Promise<void> {
    if (ready()) return Promise.resolve();
    const { promise, resolve, reject } = Promise.withResolvers<void>();
    const timer = setTimeout(() => {
      clearInterval(poll);
      this.#waiters.delete(waiter);
      reject(new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`));
    }, timeoutMs);
    // Conditions about time ("nothing arrived for a while") come true with no packet to announce them.
    const poll = setInterval(() => this.#changed(), 50);
    const waiter = { ready, resolve: () => (clearTimeout(timer), clearInterval(poll), resolve()) };
    this.#waiters.add(waiter);
    return promise;
  }

  /** Resolves once at least `count` packets decrypted. */
  waitForPackets(count: number, timeoutMs: number): Promise<void> {
    return this.waitUntil(() => this.packets.length >= count, timeoutMs, `${count} packets`);
  }

  /** Resolves once `count` Identify payloads arrived. */
  waitForIdentifies(count: number, timeoutMs: number): Promise<void> {
    return this.waitUntil(() => this.identifies.length >= count, timeoutMs, `${count} identifies`);
  }

  /** Resolves once a key package arrived. */
  waitForKeyPackage(timeoutMs: number): Promise<void> {
    return this.waitUntil(() => this.keyPackages.length > 0, timeoutMs, "an MLS key package");
  }

  /** Closes every open voice WebSocket with a close frame (4015 invites a resume, 4014 a disconnect). */
  closeVoiceSockets(code: number, reason = ""): void {
    for (const socket of this.#open.values()) socket.close(code, reason);
  }

  /** Cuts every connection at the TCP level: no close frame. With `stopAnswering`, stays silent after. */
  dropConnections(options: { stopAnswering?: boolean } = {}): void {
    if (options.stopAnswering) this.stopAnswering();
    this.#relay.dropAll();
  }

  /** Goes silent: TCP bytes are held back both ways (connections stay open), datagrams are ignored. */
  stopAnswering(): void {
    this.#answering = false;
    this.#relay.stall();
  }

  /** Answers again after `stopAnswering`. */
  resumeAnswering(): void {
    this.#answering = true;
    this.#relay.resume();
  }

  /** Shuts everything down. */
  async close(): Promise<void> {
    this.#dave.close();
    this.#relay.close();
    for (const socket of this.#open.values()) socket.close(1001);
    await new Promise<void>((resolve) => this.#udp.close(() => resolve()));
    await this.#http.shutdown();
  }

  #onRequest(request: Request): Response {
    if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") {
      return new Response("This is a voice gateway", { status: 426 });
    }
    const { socket, response } = Deno.upgradeWebSocket(request);
    const record: VoiceSocketRecord = {
      id: this.sockets.length + 1,
      openedAt: Date.now(),
      heartbeats: 0,
      speaking: [],
      keyPackages: [],
    };
    this.sockets.push(record);
    let sequence = 0;
    const send = (payload: Json) => socket.send(JSON.stringify({ ...payload, seq: ++sequence }));
    const sendBinary = (opcode: number, payload: Uint8Array) =>
      socket.send(serverBinaryFrame(++sequence, opcode, payload));
    this.#links.set(record, { send, sendBinary });
    socket.binaryType = "arraybuffer";
    socket.onopen = () => {
      this.#open.set(record, socket);
      send({ op: VoiceOp.Hello, d: { heartbeat_interval: this.#options.heartbeatIntervalMs } });
    };
    socket.onmessage = (event) => this.#onMessage(record, event.data, send, socket);
    socket.onclose = (event) => {
      this.#open.delete(record);
      // Deno reports code 0 when the link ended without a close frame; 1006 is the standard name for that.
      record.closeCode = event.code || 1006;
      const connection = this.#daveConnection(record);
      if (connection) this.#dave.closed(connection, record.closeCode);
      this.#changed();
    };
    this.#changed();
    return response;
  }

  #onMessage(
    record: VoiceSocketRecord,
    data: unknown,
    send: (payload: Json) => void,
    socket: WebSocket,
  ): void {
    if (data instanceof ArrayBuffer) {
      // Client binary frames are [u8 opcode][payload]; only server frames carry a sequence number.
      const { opcode, payload } = parseClientBinaryFrame(new Uint8Array(data));
      if (opcode === VoiceOp.DaveMlsKeyPackage) record.keyPackages.push(payload.slice());
      const connection = this.#daveConnection(record);
      if (connection) this.#dave.received(connection, opcode, payload.slice());
    } else {
      const message = JSON.parse(String(data)) as Json;
      const reply = this.#reply(record, message);
      if (typeof reply === "number") socket.close(reply);
      else if (reply) send(reply);
      if (reply && typeof reply !== "number") this.#afterReply(record, reply);
    }
    this.#changed();
  }

  // Returns the answer to send, or a close code.
  #reply(record: VoiceSocketRecord, { op, d }: Json): Json | number | undefined {
    switch (op) {
      case VoiceOp.Identify:
        return this.#onIdentify(record, d as IdentifyPayload);
      case VoiceOp.SelectProtocol:
        return this.#onSelectProtocol(record, (d as { data: { mode: string } }).data.mode);
      case VoiceOp.Heartbeat:
        record.heartbeats++;
        return { op: VoiceOp.HeartbeatAck, d: { t: (d as { t: number }).t } };
      case VoiceOp.Speaking:
        record.speaking.push(d as SpeakingPayload);
        return undefined;
      case VoiceOp.Resume:
        return this.#onResume(record, d as ResumePayload);
      case DaveOp.TransitionReady:
      case DaveOp.InvalidCommitWelcome: {
        const connection = this.#daveConnection(record);
        if (connection) this.#dave.received(connection, op, d as Record<string, unknown>);
        return undefined;
      }
    }
    return undefined;
  }

  #onIdentify(record: VoiceSocketRecord, identify: IdentifyPayload): Json | number {
    record.identify = identify;
    if (this.#options.requireDave && !(identify.max_dave_protocol_version! >= 1)) return 4017;
    record.ssrc = this.#nextSsrc++;
    this.#ssrcBySession.set(identify.session_id, record.ssrc);
    this.#userBySsrc.set(record.ssrc, identify.user_id);
    this.#keys.set(record.ssrc, new Uint8Array(randomBytes(32)));
    const modes = [AES_GCM_RTPSIZE, "aead_xchacha20_poly1305_rtpsize"];
    return { op: VoiceOp.Ready, d: { ssrc: record.ssrc, ip: "127.0.0.1", port: this.udpPort, modes } };
  }

  #onSelectProtocol(record: VoiceSocketRecord, mode: string): Json | number {
    record.selectedMode = mode;
    // 4016 is Discord's "unknown encryption mode"; this fake can only decrypt one.
    if (mode !== AES_GCM_RTPSIZE || record.ssrc === undefined) return 4016;
    const secret_key = Array.from(this.#keys.get(record.ssrc)!);
    const dave_protocol_version = this.#options.daveProtocolVersion;
    return { op: VoiceOp.SessionDescription, d: { mode, secret_key, dave_protocol_version } };
  }

  #onResume(record: VoiceSocketRecord, resume: ResumePayload): Json | number {
    record.resume = resume;
    record.ssrc = this.#ssrcBySession.get(resume.session_id);
    // 4006 is Discord's "session no longer valid".
    return record.ssrc === undefined ? 4006 : { op: VoiceOp.Resumed, d: null };
  }

  #onDatagram(message: Uint8Array, remote: RemoteInfo): void {
    if (!this.#answering) {
      this.unansweredDatagrams++;
      return this.#changed();
    }
    const view = new DataView(message.buffer, message.byteOffset, message.byteLength);
    if (message.length === 74 && view.getUint16(0) === 1) {
      this.#udp.send(discoveryResponse(view.getUint32(4), remote), remote.port, remote.address);
      return;
    }
    const ssrc = rtpSsrc(message);
    const key = ssrc === undefined ? undefined : this.#keys.get(ssrc);
    // Anything else (keep-alives every 5 s, stray datagrams) is ignored, as Discord does.
    if (!key) return;
    const arrivalMs = performance.now();
    let packet: RtpPacket;
    try {
      packet = decryptRtp(message, key);
    } catch {
      this.decryptFailures++;
      return this.#changed();
    }
    this.packets.push({ ...packet, ...this.#listen(packet), arrivalMs, receivedAt: Date.now() });
    this.#changed();
  }

  #listen(packet: RtpPacket): { e2ee: E2eeOutcome; opus: Uint8Array } {
    const senderId = this.#userBySsrc.get(packet.ssrc);
    if (senderId === undefined) return { e2ee: "passthrough", opus: packet.opus };
    return this.#dave.listen(senderId, packet.opus);
  }

  #daveConnection(record: VoiceSocketRecord): DaveConnection | undefined {
    const userId = record.ssrc === undefined ? undefined : this.#userBySsrc.get(record.ssrc);
    const link = this.#links.get(record);
    if (userId === undefined || !link) return undefined;
    return {
      key: record,
      userId,
      sendJson: (op, d) => this.#open.has(record) && link.send({ op, d }),
      sendBinary: (op, payload) => this.#open.has(record) && link.sendBinary(op, payload),
    };
  }

  // The client is in DAVE's hands once it has its session description (Identify) or resumed (Resume).
  #afterReply(record: VoiceSocketRecord, reply: Json): void {
    if (this.#options.daveProtocolVersion < 1) return;
    const connection = this.#daveConnection(record);
    if (!connection) return;
    if (reply.op === VoiceOp.SessionDescription) {
      const channelId = this.voiceChannelOf(connection.userId) ?? this.#options.channelId;
      this.#dave.joined(connection, channelId);
    } else if (reply.op === VoiceOp.Resumed) {
      this.#dave.resumed(connection);
    }
  }

  #changed(): void {
    for (const waiter of this.#waiters) {
      if (waiter.ready()) {
        this.#waiters.delete(waiter);
        waiter.resolve();
      }
    }
  }
}

// u16 type 2, u16 length 70, u32 ssrc, 64-byte NUL-padded address, u16 port.
function discoveryResponse(ssrc: number, remote: RemoteInfo): Uint8Array {
  const packet = new Uint8Array(74);
  const view = new DataView(packet.buffer);
  view.setUint16(0, 2);
  view.setUint16(2, 70);
  view.setUint32(4, ssrc);
  packet.set(new TextEncoder().encode(remote.address), 8);
  view.setUint16(72, remote.port);
  return packet;
}

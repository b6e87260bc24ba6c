/** The voice gateway (v8) opcodes and client payloads a fake voice server reads. */

/** Voice gateway opcodes this fake speaks. */
export const VoiceOp = {
  Identify: 0,
  SelectProtocol: 1,
  Ready: 2,
  Heartbeat: 3,
  SessionDescription: 4,
  Speaking: 5,
  HeartbeatAck: 6,
  Resume: 7,
  Hello: 8,
  Resumed: 9,
  DaveMlsKeyPackage: 26,
} as const;

/** Identify (op 0) as the client sent it. */
export interface IdentifyPayload {
  readonly server_id: string;
  readonly user_id: string;
  readonly session_id: string;
  readonly token: string;
  readonly max_dave_protocol_version?: number;
}

/** Resume (op 7) as the client sent it. */
export interface ResumePayload {
  readonly server_id: string;
  readonly session_id: string;
  readonly token: string;
  readonly seq_ack?: number;
}

/** Speaking (op 5) as the client sent it. */
export interface SpeakingPayload {
  readonly speaking: number;
  readonly delay: number;
  readonly ssrc: number;
}

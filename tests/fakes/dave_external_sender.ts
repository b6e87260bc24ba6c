/**
 * The voice server's side of DAVE's MLS group: the external sender. It signs Add and Remove proposals with
 * its own P-256 key (ts-mls does the MLS encoding and signing) and reads the commits members send back.
 */
import { makeProposalRef } from "ts-mls/authenticatedContent.js";
import type { CiphersuiteImpl } from "ts-mls/crypto/ciphersuite.js";
import { proposeExternal } from "ts-mls/externalProposal.js";
import { encodeExternalSender } from "ts-mls/externalSender.js";
import type { GroupInfo } from "ts-mls/groupInfo.js";
import { decodeKeyPackage } from "ts-mls/keyPackage.js";
import { decodeMlsMessage, encodeMlsMessage } from "ts-mls/message.js";
import type { Proposal } from "ts-mls/proposal.js";
import { DAVE_CIPHERSUITE, daveCipherSuite } from "./dave_cipher_suite.ts";
import { identityUserId, userIdentity } from "./dave_frames.ts";

/** A signed proposal, encoded as an MLSMessage, and its proposal reference. */
export interface SignedProposal {
  readonly message: Uint8Array;
  readonly ref: string;
}

/** A commit a member sent (op 28), read far enough to route it. */
export interface ReadCommit {
  /** The commit MLSMessage as sent. */
  readonly commit: Uint8Array;
  /** The bare Welcome after it, if the commit adds members. */
  readonly welcome?: Uint8Array;
  readonly epoch: bigint;
  /** References of the proposals it commits, hex, in order; proposals it carries by value count as unknown. */
  readonly proposalRefs: string[];
}

/** The external sender: its key pair and what it signs. */
export class DaveExternalSender {
  private constructor(
    readonly cs: CiphersuiteImpl,
    readonly publicKey: Uint8Array,
    readonly signKey: Uint8Array,
  ) {}

  /** A fresh external sender with a new signing key. */
  static async create(): Promise<DaveExternalSender> {
    const cs = await daveCipherSuite();
    const { publicKey, signKey } = await cs.signature.keygen();
    return new DaveExternalSender(cs, publicKey, signKey);
  }

  /** The external sender package (op 25): an MLS ExternalSender whose identity is a single zero byte. */
  package(): Uint8Array {
    return encodeExternalSender({
      signaturePublicKey: this.publicKey,
      credential: { credentialType: "basic", identity: new Uint8Array([0]) },
    });
  }

  /** An Add proposal for the member whose bare KeyPackage (op 26) is `keyPackage`, and whose user it names. */
  proposeAdd(
    channelId: string,
    epoch: bigint,
    keyPackage: Uint8Array,
  ): Promise<SignedProposal & { userId: string }> {
    const decoded = decodeKeyPackage(keyPackage, 0);
    if (!decoded) throw new Error("Undecodable key package");
    const [kp] = decoded;
    const credential = kp.leafNode.credential;
    if (credential.credentialType !== "basic") throw new Error("Key package without a basic credential");
    const userId = identityUserId(credential.identity);
    return this.#propose(channelId, epoch, { proposalType: "add", add: { keyPackage: kp } })
      .then((signed) => ({ ...signed, userId }));
  }

  /** A Remove proposal for the member at leaf `leafIndex`. */
  proposeRemove(channelId: string, epoch: bigint, leafIndex: number): Promise<SignedProposal> {
    return this.#propose(channelId, epoch, { proposalType: "remove", remove: { removed: leafIndex } });
  }

  /** Reads an op 28 payload: the commit MLSMessage, then the optional bare Welcome. */
  readCommit(payload: Uint8Array): ReadCommit {
    const decoded = decodeMlsMessage(payload, 0);
    if (!decoded) throw new Error("Undecodable commit");
    const [message, length] = decoded;
    if (message.wireformat !== "mls_public_message") throw new Error(`A commit as ${message.wireformat}`);
    const content = message.publicMessage.content;
    if (content.contentType !== "commit") throw new Error(`A ${content.contentType} instead of a commit`);
    const proposalRefs = content.commit.proposals.map((entry) =>
      entry.proposalOrRefType === "reference" ? hex(entry.reference) : "by-value"
    );
    const welcome = length < payload.length ? payload.slice(length) : undefined;
    return { commit: payload.slice(0, length), welcome, epoch: content.epoch, proposalRefs };
  }

  async #propose(channelId: string, epoch: bigint, proposal: Proposal): Promise<SignedProposal> {
    const message = await proposeExternal(
      this.#groupInfo(channelId, epoch),
      proposal,
      this.publicKey,
      this.signKey,
      this.cs,
    );
    if (message.wireformat !== "mls_public_message") throw new Error("An external proposal must be public");
    const { content, auth } = message.publicMessage;
    const ref = await makeProposalRef({ wireformat: "mls_public_message", content, auth }, this.cs.hash);
    return { message: encodeMlsMessage(message), ref: hex(ref) };
  }

  // An external sender signs only the group id and epoch; the rest of the group context is not its to know.
  #groupInfo(channelId: string, epoch: bigint): GroupInfo {
    const externalSenders = { extensionType: "external_senders", extensionData: this.package() };
    return {
      groupContext: {
        version: "mls10",
        cipherSuite: DAVE_CIPHERSUITE,
        groupId: userIdentity(channelId),
        epoch,
        treeHash: new Uint8Array(),
        confirmedTranscriptHash: new Uint8Array(),
        extensions: [externalSenders],
      },
    } as unknown as GroupInfo;
  }
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

/**
 * The rule for which hosts yt-dlp may fetch from: only http(s), and only hosts whose every address is on
 * the public internet, unless the operator allowed private addresses.
 */
import { lookup as dnsLookup } from "node:dns/promises";
import { UserError } from "../user_error.ts";
import { isInternalAddress, isIpLiteral } from "./ip_ranges.ts";

/** A host that could not be looked up: the network's failure, not a refusal. */
export class HostNotFoundError extends UserError {
  override name = "HostNotFoundError";

  constructor(readonly hostname: string, options?: { cause?: unknown }) {
    super(`I couldn't find the host "${hostname}".`, options);
  }
}

/** Resolves a hostname to IP address strings. */
export type Lookup = (hostname: string) => Promise<string[]>;

/** How strict the address rule is, and how names are resolved. */
export interface AddressPolicy {
  /** Let links reach loopback and private networks (a bot on a home LAN playing from a NAS). */
  allowPrivate: boolean;
  /** Defaults to the system resolver, which honours /etc/hosts. */
  lookup?: Lookup;
  /** Defaults to {@linkcode isInternalAddress}; tests swap it to stage a "public" server on loopback. */
  isInternal?: (ip: string) => boolean;
}

/** The system resolver: getaddrinfo through node:dns, every address of every family. */
export async function systemLookup(hostname: string): Promise<string[]> {
  const answers = await dnsLookup(hostname, { all: true, verbatim: true });
  return answers.map((answer) => answer.address);
}

/** The hostname of a URL as a resolver or socket wants it: no IPv6 brackets, no trailing dot. */
export function bareHostname(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, "$1").replace(/\.$/, "");
}

/**
 * Resolves a host and returns its addresses only if the policy allows every one of them.
 *
 * Checking every address, not just the first, stops a name that answers with both a public and a private
 * address; the caller then connects to one of these checked addresses, never to the name again.
 */
export async function resolveAllowed(hostname: string, policy: AddressPolicy): Promise<string[]> {
  const addresses = isIpLiteral(hostname) ? [hostname] : await resolveOrExplain(hostname, policy);
  if (addresses.length === 0) throw new HostNotFoundError(hostname);
  if (policy.allowPrivate) return addresses;
  const isInternal = policy.isInternal ?? isInternalAddress;
  const internal = addresses.find(isInternal);
  if (internal !== undefined) {
    const via = internal === hostname ? "" : ` (it resolves to ${internal})`;
    throw new UserError(
      `Sorry, I can't fetch from "${hostname}"${via}: it is a private or local address, not the public internet.`,
    );
  }
  return addresses;
}

async function resolveOrExplain(hostname: string, policy: AddressPolicy): Promise<string[]> {
  try {
    return await (policy.lookup ?? systemLookup)(hostname);
  } catch (error) {
    throw new HostNotFoundError(hostname, { cause: error });
  }
}

/** Throws a UserError unless the URL is http(s) and its host resolves only to allowed addresses. */
export async function assertFetchable(url: URL, options: AddressPolicy): Promise<void> {
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new UserError(`I can only play http and https links, not "${url.protocol}" ones.`);
  }
  await resolveAllowed(bareHostname(url), options);
}

/**
 * A throwaway certificate authority and a `localhost` leaf certificate it signed, made with the `openssl` CLI.
 *
 * Clients reach TLS test servers through `node:tls`, which rejects a bare self-signed certificate: the client
 * process must trust the CA instead, through `DENO_CERT` (and `NODE_EXTRA_CA_CERTS`) set when it starts.
 */
import { join } from "node:path";

/** Files and PEM text of a test CA and a leaf certificate for `localhost` and `127.0.0.1`. */
export interface TestCertificates {
  /** Temporary directory holding every file below. */
  readonly dir: string;
  /** PEM file of the CA certificate: what `DENO_CERT` and `NODE_EXTRA_CA_CERTS` point at. */
  readonly caPath: string;
  /** PEM of the leaf certificate, for `Deno.serve({ cert })`. */
  readonly certPem: string;
  /** PEM of the leaf's private key, for `Deno.serve({ key })`. */
  readonly keyPem: string;
  /** Removes the temporary directory. */
  cleanup(): Promise<void>;
}

/** The environment a client process needs to trust the test CA. */
export function trustEnv(caPath: string): Record<string, string> {
  return { DENO_CERT: caPath, NODE_EXTRA_CA_CERTS: caPath };
}

/** Generates a fresh test CA and a leaf certificate for `localhost` / `127.0.0.1` into a temporary directory. */
export async function createTestCertificates(): Promise<TestCertificates> {
  const dir = await Deno.makeTempDir({ prefix: "trazom_test_ca_" });
  const path = (name: string) => join(dir, name);
  try {
    await openssl(
      ["req", "-x509", ...ecKey(path("ca.key")), "-out", path("ca.pem"), "-days", "2"],
      ["-subj", "/CN=Trazom Test CA"],
      ["-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"],
    );
    await openssl(["req", ...ecKey(path("leaf.key")), "-out", path("leaf.csr"), "-subj", "/CN=localhost"]);
    await Deno.writeTextFile(path("leaf.ext"), LEAF_EXTENSIONS);
    await openssl(
      ["x509", "-req", "-in", path("leaf.csr"), "-out", path("leaf.pem"), "-days", "2"],
      ["-CA", path("ca.pem"), "-CAkey", path("ca.key"), "-CAcreateserial", "-extfile", path("leaf.ext")],
    );
  } catch (error) {
    await Deno.remove(dir, { recursive: true });
    throw error;
  }
  return {
    dir,
    caPath: path("ca.pem"),
    certPem: await Deno.readTextFile(path("leaf.pem")),
    keyPem: await Deno.readTextFile(path("leaf.key")),
    cleanup: () => Deno.remove(dir, { recursive: true }),
  };
}

// Browsers and rustls ignore the common name: the names a client checks live in subjectAltName.
const LEAF_EXTENSIONS = [
  "subjectAltName=DNS:localhost,IP:127.0.0.1",
  "basicConstraints=critical,CA:FALSE",
  "keyUsage=critical,digitalSignature",
  "extendedKeyUsage=serverAuth",
].join("\n") + "\n";

// P-256 keys take milliseconds to make, where RSA keys can take a second.
function ecKey(keyPath: string): string[] {
  return ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", keyPath];
}

async function openssl(...argGroups: string[][]): Promise<void> {
  const args = argGroups.flat();
  const { success, stderr } = await new Deno.Command("openssl", { args, stdout: "null", stderr: "piped" })
    .output();
  if (!success) {
    throw new Error(`openssl ${args[0]} failed: ${new TextDecoder().decode(stderr).trim()}`);
  }
}

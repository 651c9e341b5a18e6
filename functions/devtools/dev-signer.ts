/**
 * A throw-away service-account key for local runs, so that V4 signed URLs can be
 * made offline. It reaches the SDKs the standard way (GOOGLE_APPLICATION_CREDENTIALS,
 * i.e. Application Default Credentials); in production the runtime service account
 * signs through IAM instead. The local Storage server verifies with its public key.
 */
import { createPublicKey, generateKeyPairSync } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

export interface DevSigner {
  credentialsFile: string;
  publicKeyPem: string;
}

export function ensureDevSigner(cacheDir: string, projectId: string): DevSigner {
  const dir = path.join(cacheDir, "dev-signer");
  const credentialsFile = path.join(dir, `${projectId}.json`);
  if (!existsSync(credentialsFile)) {
    mkdirSync(dir, { recursive: true });
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    writeFileSync(
      credentialsFile,
      JSON.stringify({
        type: "service_account",
        project_id: projectId,
        private_key_id: "local-dev-signer",
        private_key: privateKey.export({ type: "pkcs8", format: "pem" }),
        client_email: `local-signer@${projectId}.iam.gserviceaccount.com`,
        client_id: "0",
        token_uri: "http://127.0.0.1:9/token-not-used-offline",
      }),
      { mode: 0o600 },
    );
  }
  return { credentialsFile, publicKeyPem: publicKeyOf(credentialsFile) };
}

export function publicKeyOf(credentialsFile: string): string {
  const { private_key } = JSON.parse(readFileSync(credentialsFile, "utf8")) as {
    private_key: string;
  };
  return createPublicKey(private_key).export({ type: "spki", format: "pem" }) as string;
}

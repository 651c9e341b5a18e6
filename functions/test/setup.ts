/**
 * Root hooks for the whole suite: the local Storage server and the simulators run
 * inside the mocha process on the fixed ports the functions are configured with, so
 * tests can inspect and steer them directly (call counts, faults, timings).
 */
import { startStorageServer, type StorageServer } from "../devtools/storage-server/server";
import { startHeygenSim, type HeygenSim } from "../devtools/heygen-sim/server";
import { PORTS } from "../devtools/ports";
import { SIMULATED_SECRETS } from "../devtools/stack-env";
import { publicKeyOf } from "../devtools/dev-signer";
import { startAvatarSdkSim, type AvatarSdkSim } from "../devtools/provider-sims/avatar-sdk-sim";

export const servers: { storage?: StorageServer; heygen?: HeygenSim; avatarSdk?: AvatarSdkSim } =
  {};

export function avatarSdkSim(): AvatarSdkSim {
  if (!servers.avatarSdk) throw new Error("Avatar SDK simulator not started");
  return servers.avatarSdk;
}

/** Fast but realistic: looks and renders take a moment, so waiting code is exercised. */
export const TEST_HEYGEN_TIMINGS = {
  lookReadyMs: 400,
  videoPendingMs: 300,
  videoProcessingMs: 700,
};

export function heygenSim(): HeygenSim {
  if (!servers.heygen) throw new Error("HeyGen simulator not started");
  return servers.heygen;
}

export function storageServer(): StorageServer {
  if (!servers.storage) throw new Error("Storage server not started");
  return servers.storage;
}

export const mochaHooks = {
  async beforeAll(this: Mocha.Context) {
    this.timeout(30000);
    const credentials = process.env.GOOGLE_APPLICATION_CREDENTIALS;
    servers.storage = await startStorageServer({
      port: PORTS.storage,
      signerPublicKey: credentials ? publicKeyOf(credentials) : undefined,
    });
    servers.heygen = await startHeygenSim({
      apiPort: PORTS.heygenApi,
      uploadPort: PORTS.heygenUpload,
      apiKey: SIMULATED_SECRETS.HEYGEN_API_KEY,
      // Endpoints registered in tests sign with the secret the functions hold.
      webhookSecret: SIMULATED_SECRETS.HEYGEN_WEBHOOK_SECRET,
      timings: TEST_HEYGEN_TIMINGS,
    });
    const [clientId, clientSecret] = SIMULATED_SECRETS.PROVIDER_API_KEY.split(":");
    servers.avatarSdk = await startAvatarSdkSim({
      port: PORTS.avatarSdk,
      clientId,
      clientSecret,
      computeMs: 800,
      exportMs: 200,
    });
  },
  async afterAll() {
    await servers.avatarSdk?.close();
    await servers.heygen?.close();
    await servers.storage?.close();
  },
};

/**
 * Registers this deployment's webhook URL with HeyGen and prints the signing secret
 * to store with `firebase functions:secrets:set HEYGEN_WEBHOOK_SECRET`.
 *
 *   HEYGEN_API_KEY=... npx tsx devtools/register-heygen-webhook.ts https://<host>/api/heygen/webhook [v3|v2] [apiBaseUrl]
 *
 * HeyGen checks the URL with an OPTIONS request first: deploy `heygen_webhook` before.
 */
import { registerWebhookEndpoint } from "../src/clients/heygen/webhooks";

async function main(): Promise<void> {
  const [url, version = "v3", base = "https://api.heygen.com"] = process.argv.slice(2);
  const apiKey = process.env.HEYGEN_API_KEY;
  if (!url || !apiKey || (version !== "v2" && version !== "v3")) {
    console.error(
      "usage: HEYGEN_API_KEY=... register-heygen-webhook.ts <webhook URL> [v3|v2] [apiBaseUrl]",
    );
    process.exit(2);
  }
  const { endpointId, secret } = await registerWebhookEndpoint({
    apiVersion: version,
    apiBaseUrl: base,
    apiKey,
    url,
  });
  console.log(`Registered HeyGen webhook endpoint ${endpointId} for ${url}.`);
  console.log("Store its signing secret (shown once):");
  console.log(
    `  echo -n '${secret}' | firebase functions:secrets:set HEYGEN_WEBHOOK_SECRET --data-file=-`,
  );
}

main().catch((err: Error) => {
  console.error(`Registration failed: ${err.message}`);
  process.exit(1);
});

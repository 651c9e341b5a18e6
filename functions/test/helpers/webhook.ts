/** A HeyGen webhook delivery as HeyGen sends it: the raw body, signed with the endpoint secret. */
import { functionUrl } from "./env";
import { signBody } from "../../src/services/heygen/webhook";
import { SIMULATED_SECRETS } from "../../devtools/stack-env";

export const WEBHOOK_SECRET = SIMULATED_SECRETS.HEYGEN_WEBHOOK_SECRET;

export async function deliverWebhook(
  body: unknown,
  headers: Record<string, string> = {},
  sign = true,
): Promise<{ status: number; body: Record<string, unknown> | null }> {
  const raw = typeof body === "string" ? body : JSON.stringify(body);
  const res = await fetch(functionUrl("heygen_webhook", "/api/heygen/webhook"), {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      ...(sign ? { signature: signBody(raw, WEBHOOK_SECRET) } : {}),
      ...headers,
    },
    body: raw,
  });
  return {
    status: res.status,
    body: (await res.json().catch(() => null)) as Record<string, unknown> | null,
  };
}

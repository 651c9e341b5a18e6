/** The running HeyGen simulator's test controls (`/_sim/*`), over HTTP. */
import type { SimCall } from "../heygen-sim/server";
import type { SimTimings } from "../heygen-sim/model";
import type { WebhookDelivery } from "../heygen-sim/webhook-delivery";

export class SimControl {
  constructor(private readonly apiUrl: string) {}

  private async call<T>(path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.apiUrl}/_sim/${path}`, {
      method: body === undefined ? "GET" : "POST",
      headers: { "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`HeyGen simulator /_sim/${path}: ${res.status}`);
    return (await res.json()) as T;
  }

  reset = () => this.call("reset", {});
  calls = async () => (await this.call<{ calls: SimCall[] }>("calls")).calls;
  timings = (t: Partial<SimTimings>) => this.call<SimTimings>("timings", t);
  concurrency = () => this.call<{ current: number; peak: number }>("concurrency");
  resetPeak = () => this.call<{ current: number; peak: number }>("concurrency", {});
  deliveries = async () =>
    (await this.call<{ deliveries: WebhookDelivery[] }>("webhook-deliveries")).deliveries;
}

/**
 * Reading the simulator's log of webhook deliveries without racing it. The receiving
 * function does its work (writes Firestore) before it answers, and the simulator records
 * a delivery only once that answer is back; so whoever saw the work done (a project
 * completed) waits here, with a deadline, for the record instead of reading the log at
 * once. Works on the log in process (tests) or over `/_sim/webhook-deliveries` (demo).
 */
import { until } from "../wait";
import type { WebhookDelivery } from "./webhook-delivery";

export type DeliveryRecord = Pick<WebhookDelivery, "videoId" | "eventType" | "attempt" | "result"> &
  Partial<WebhookDelivery>;

/** The delivery was answered 2xx. */
export const accepted = (d: Pick<WebhookDelivery, "result">): boolean =>
  typeof d.result === "number" && d.result >= 200 && d.result < 300;

/**
 * The deliveries of `videoId` once `ready(deliveries)` holds; past `timeoutMs`, an error
 * that says what the log held.
 */
export async function deliveriesOnceRecorded<T extends DeliveryRecord>(
  read: () => Promise<readonly T[]> | readonly T[],
  videoId: string,
  ready: (deliveries: T[]) => boolean,
  what: string,
  timeoutMs = 30000,
): Promise<T[]> {
  let mine: T[] = [];
  try {
    return await until(
      what,
      timeoutMs,
      async () => {
        mine = (await read()).filter((d) => d.videoId === videoId);
        return ready(mine) ? mine : null;
      },
      50,
    );
  } catch (err) {
    const seen = mine.map(({ eventType, attempt, result }) => ({ eventType, attempt, result }));
    throw new Error(`${(err as Error).message}; deliveries recorded: ${JSON.stringify(seen)}`, {
      cause: err,
    });
  }
}

/** The deliveries of `videoId` once one of `eventType` was accepted. */
export const acceptedDelivery = <T extends DeliveryRecord>(
  read: () => Promise<readonly T[]> | readonly T[],
  videoId: string,
  eventType: string,
  timeoutMs = 30000,
): Promise<T[]> =>
  deliveriesOnceRecorded(
    read,
    videoId,
    (ds) => ds.some((d) => d.eventType === eventType && accepted(d)),
    `waiting for an accepted ${eventType} delivery of video ${videoId}`,
    timeoutMs,
  );

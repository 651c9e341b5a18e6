/**
 * Counts the Firestore document reads and writes of this process, on the wire: the
 * Admin SDK sends every RPC through two methods of its Firestore class (`request` for
 * unary calls, `requestStream` for streamed ones); they are wrapped here, and what
 * goes out and comes back is counted as Firestore bills it:
 * - writes: each write of a `commit` (plain writes, batches and transactions) or a
 *   `batchWrite` (BulkWriter);
 * - reads: each document a `batchGetDocuments` returns, found or missing (a get of a
 *   missing document is billed), each document a `runQuery` returns and at least 1
 *   per query (an empty result is billed one read), 1 per aggregation response.
 * Those methods are internal to @google-cloud/firestore: if they are missing the
 * meter refuses to start instead of counting nothing.
 */
import { Firestore } from "firebase-admin/firestore";

export interface FirestoreCount {
  reads: number;
  writes: number;
}

type RequestFn = (method: string, request: { writes?: unknown[] }, ...rest: unknown[]) => unknown;
type StreamFn = (
  method: string,
  bidirectional: boolean,
  request: unknown,
  ...rest: unknown[]
) => Promise<NodeJS.EventEmitter>;

const totals: FirestoreCount = { reads: 0, writes: 0 };
let installed = false;

function countStream(method: string, stream: NodeJS.EventEmitter): void {
  let documents = 0;
  const emit = stream.emit.bind(stream);
  stream.emit = ((event: string | symbol, ...args: unknown[]) => {
    if (event === "data") {
      const chunk = args[0] as { found?: unknown; missing?: unknown; document?: unknown };
      if (method === "batchGetDocuments" && (chunk.found || chunk.missing)) documents++;
      if (method === "runQuery" && chunk.document) documents++;
      if (method === "runAggregationQuery") documents++;
    }
    if (event === "end")
      totals.reads += method === "batchGetDocuments" ? documents : Math.max(1, documents);
    return emit(event, ...args);
  }) as typeof stream.emit;
}

export function installFirestoreMeter(): void {
  if (installed) return;
  const proto = Firestore.prototype as unknown as { request?: RequestFn; requestStream?: StreamFn };
  const request = proto.request;
  const requestStream = proto.requestStream;
  if (typeof request !== "function" || typeof requestStream !== "function")
    throw new Error("this @google-cloud/firestore has no request/requestStream: cannot meter it");
  proto.request = function (this: unknown, method, req, ...rest) {
    if (method === "commit" || method === "batchWrite") totals.writes += req.writes?.length ?? 0;
    return request.call(this, method, req, ...rest);
  };
  proto.requestStream = async function (this: unknown, method, bidirectional, req, ...rest) {
    const stream = await requestStream.call(this, method, bidirectional, req, ...rest);
    if (["batchGetDocuments", "runQuery", "runAggregationQuery"].includes(method))
      countStream(method, stream);
    return stream;
  };
  installed = true;
}

/** Runs `fn` and returns what it read and wrote (nothing else may use Firestore meanwhile). */
export async function meterFirestore<T>(
  fn: () => Promise<T>,
): Promise<{ result: T } & FirestoreCount> {
  if (!installed) throw new Error("installFirestoreMeter() first");
  const before = { ...totals };
  const result = await fn();
  return { result, reads: totals.reads - before.reads, writes: totals.writes - before.writes };
}

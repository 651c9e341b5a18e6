/**
 * The one place the API's functions are made: every HTTPS function (`onRequest`) and
 * every callable (`onCall`), generated from the operation table (api/operations.ts)
 * with their runtime options and secrets. index.ts exports what this returns.
 *
 * Light on purpose (index.ts imports it): a function's handler, its operations'
 * schemas and services load on its first request.
 */
import {
  onCall,
  onRequest,
  type CallableFunction,
  type HttpsFunction,
} from "firebase-functions/v2/https";
import { params } from "../config";
import type { SecretName } from "../params";
import { combineRuntime } from "../runtime-options";
import {
  callableNameOf,
  operationList,
  type CallableFunctionName,
  type CallableOperationName,
  type HttpsFunctionName,
  type OperationEntry,
} from "../api/operations";

/** Memoises the handler built on the first request (a failed build is tried again). */
function lazy<A extends unknown[], R>(build: () => Promise<(...args: A) => Promise<R>>) {
  let handler: Promise<(...args: A) => Promise<R>> | null = null;
  return async (...args: A): Promise<R> => {
    handler ??= build().catch((err: unknown) => {
      handler = null;
      throw err;
    });
    return (await handler)(...args);
  };
}

const secretsOf = (entries: readonly OperationEntry[]) =>
  [...new Set(entries.flatMap((e) => e.secrets))].map((name: SecretName) => params[name]);

const context = async () => (await import("../context")).getAppContext;

/** Each HTTPS function with the most demanding options of the operations it serves. */
export function httpsFunctions(): Record<HttpsFunctionName, HttpsFunction> {
  const byFunction = new Map<HttpsFunctionName, OperationEntry[]>();
  for (const [, entry] of operationList()) {
    const fn = entry.https as HttpsFunctionName;
    byFunction.set(fn, [...(byFunction.get(fn) ?? []), entry]);
  }
  const out: Partial<Record<HttpsFunctionName, HttpsFunction>> = {};
  for (const [fn, entries] of byFunction) {
    out[fn] = onRequest(
      {
        ...combineRuntime(entries.map((e) => e.runtime)),
        // Callers are authenticated by their ID token (or HeyGen's signature) instead.
        invoker: "public",
        // CORS and OPTIONS are answered by our handler, in the emulator as in production.
        cors: false,
        secrets: secretsOf(entries),
      },
      lazy(async () => {
        const [{ createHttpsHandler }, { routesOf }] = await Promise.all([
          import("./https-handler"),
          import("./router"),
        ]);
        return createHttpsHandler(fn, routesOf(fn), await context());
      }),
    );
  }
  return out as Record<HttpsFunctionName, HttpsFunction>;
}

/** `<operation>_call` for each operation that has a callable, with its own options. */
export function callableFunctions(): Record<
  CallableFunctionName,
  CallableFunction<unknown, Promise<unknown>>
> {
  const out: Partial<Record<CallableFunctionName, CallableFunction<unknown, Promise<unknown>>>> =
    {};
  for (const [name, entry] of operationList()) {
    if (!entry.callable) continue;
    const op = name as CallableOperationName;
    out[callableNameOf(op)] = onCall(
      { ...entry.runtime, secrets: secretsOf([entry]) },
      lazy(async () =>
        (await import("./callable-handler")).createCallableHandler(op, entry, await context()),
      ),
    );
  }
  return out as Record<CallableFunctionName, CallableFunction<unknown, Promise<unknown>>>;
}

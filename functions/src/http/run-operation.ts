/**
 * The steps every call of an operation goes through, whichever surface it came by
 * (./https-handler.ts, ./callable-handler.ts), in this order:
 *
 * 1. App Check, when the table asks for it and APP_CHECK_ENFORCED is on (./app-check.ts);
 * 2. the caller: the Firebase ID token of `Authorization: Bearer`, verified with the
 *    Admin SDK (HeyGen's webhook has none: its function checks the signature);
 * 3. consent the table requires before the input is read (the selfie);
 * 4. the input, read by the surface and validated with the operation's schema;
 * 5. the operation's function;
 * 6. its answer, checked against the operation's response schema.
 *
 * Any failure is an ApiError the surface turns into its own error shape.
 */
import type { z } from "zod";
import { ApiError } from "../errors";
import type { AppContext } from "../context";
import type { OperationImpl } from "../api/operation";
import type { OperationEntry } from "../api/operations";
import { authenticate, type AuthedUser } from "./auth";
import { APP_CHECK_HEADER, requireAppCheck } from "./app-check";
import { parseInput, zodIssues } from "./validate";

const loaded = new WeakMap<OperationEntry, Promise<OperationImpl>>();

/** The operation's implementation, loaded on its first call (a failed load is tried again). */
export function loadOperation(entry: OperationEntry): Promise<OperationImpl> {
  let pending = loaded.get(entry);
  if (!pending) {
    pending = entry.load().catch((err: unknown) => {
      loaded.delete(entry);
      throw err;
    });
    loaded.set(entry, pending);
  }
  return pending;
}

export interface OperationInvocation {
  /** The operation's name in the table (for messages) and its entry. */
  name: string;
  entry: OperationEntry;
  app: AppContext;
  /** A request header by its lower-case name. */
  header(name: string): string | undefined;
  /** The raw input, read only once the caller may send it. */
  readInput(impl: OperationImpl): Promise<unknown>;
  /** Tells the surface who is calling, as soon as it is known (for its log line). */
  identified?(user: AuthedUser): void;
}

export interface OperationAnswer {
  status: 200 | 202;
  body: unknown;
  headers: Record<string, string>;
}

/**
 * The answer must match the operation's response schema for its status, as the
 * client receives it (after JSON), else the call fails with 500 and the mismatch is
 * logged: the documented contract and the code cannot drift apart silently.
 */
export function checkResponse(
  name: string,
  impl: Pick<OperationImpl, "responses">,
  body: unknown,
  status: number,
): void {
  const declared = impl.responses.find((r) => r.status === status);
  const wire: unknown = body === undefined ? undefined : JSON.parse(JSON.stringify(body));
  const parsed = declared?.schema.safeParse(wire);
  if (parsed?.success) return;
  const issues = parsed
    ? zodIssues(parsed.error as z.ZodError)
        .map((i) => `${i.path || "(body)"}: ${i.message}`)
        .join("; ")
    : `no ${status} answer is declared`;
  throw new ApiError("INTERNAL", "Something went wrong on our side; try again in a moment.", {
    cause: new Error(`${name}: the response does not match its schema (${issues})`),
  });
}

export async function runOperation(call: OperationInvocation): Promise<OperationAnswer> {
  const { entry, app } = call;
  const impl = await loadOperation(entry);
  if (entry.appCheck) await requireAppCheck(app, call.header(APP_CHECK_HEADER));
  let caller: AuthedUser | null = null;
  if (entry.auth === "user") {
    caller = await authenticate(app.auth, call.header("authorization"));
    call.identified?.(caller);
    if (entry.requiresConsent) {
      const { requireConsent } = await import("../services/consent/guard");
      await requireConsent(app, caller.uid, entry.requiresConsent);
    }
  }
  const input = parseInput(impl.input, await call.readInput(impl), "request");
  const headers: Record<string, string> = {};
  const setHeader = (k: string, v: string) => void (headers[k] = v);
  const body = await impl.run({ app, setHeader }, caller, input);
  const status = impl.statusOf?.(body) ?? impl.responses[0]?.status ?? 200;
  checkResponse(call.name, impl, body, status);
  return { status, body, headers };
}

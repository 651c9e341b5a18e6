/**
 * What an operation of the API is made of besides its entry in the table
 * (./operations.ts): its input and output schemas, what the OpenAPI document says
 * about it, and its one function `(ctx, caller, input) → output`. Both surfaces run
 * that function through the same steps (http/run-operation.ts).
 *
 * Types only, apart from the identity helper: the table imports this file, so it
 * must cost nothing at cold start.
 */
import type { z } from "zod";
import type { AppContext } from "../context";
import type { AuthedUser } from "../http/auth";

/** A success answer: its HTTP status and the schema of its body as the client receives it. */
export interface SuccessResponse<S extends z.ZodType = z.ZodType> {
  status: 200 | 202;
  description: string;
  schema: S;
}

/** The request body as the OpenAPI document shows it, when it is not the input schema itself. */
export type DocumentedBody =
  /** JSON the operation reads itself (HeyGen's signed raw body). */
  | { kind: "json"; schema: z.ZodType }
  /** Alternatives of one validated schema, with titles (generate's voice sources). */
  | { kind: "oneOf"; shapes: { title: string; schema: z.ZodType }[] }
  /** multipart/form-data: one file and fields holding JSON. */
  | {
      kind: "multipart";
      file: { name: string; description: string };
      jsonFields: Record<string, z.ZodType>;
    };

/** What an operation's function may use besides its input. */
export interface OperationContext {
  app: AppContext;
  /** A header of the HTTPS answer (caching); an answer to a callable has no headers. */
  setHeader(name: string, value: string): void;
}

/**
 * How an HTTPS request becomes the input when it is not JSON (a callable always sends
 * the input itself as JSON):
 * - `multipart`: the file part becomes `{ data: <base64>, contentType, filename }` under
 *   its field name, and each listed text field is parsed as JSON; the callable sends
 *   the same object, so both are validated by the same schema;
 * - `raw`: the exact bytes and headers (a signature over the raw body is checked).
 */
export type HttpInput =
  | { kind: "multipart"; file: string; maxFileBytes: number; jsonFields: readonly string[] }
  | { kind: "raw" };

export interface OperationImpl<
  I extends z.ZodType = z.ZodType,
  R extends readonly SuccessResponse[] = readonly SuccessResponse[],
  C extends AuthedUser | null = AuthedUser | null,
> {
  /** The input: path parameters + query string (GET) or JSON body over HTTPS; `data` of a callable. */
  input: I;
  /** The success answers; the first is the usual one. */
  responses: R;
  /** Which success answer an output is, when there are several (by its status). */
  statusOf?(output: z.input<R[number]["schema"]>): 200 | 202;
  httpInput?: HttpInput;
  doc: {
    /** Error statuses the operation answers (their codes come from errors.ts). */
    errors: readonly number[];
    /** The request body as documented, when it is not the input schema itself. */
    requestBody?: DocumentedBody;
  };
  /** The operation itself: `caller` is the verified Firebase user (none for HeyGen's webhook). */
  run(ctx: OperationContext, caller: C, input: z.output<I>): Promise<z.input<R[number]["schema"]>>;
}

/**
 * An operation for signed-in users; infers its types from its schemas, so what `run`
 * returns is checked against `responses` by the compiler (and at run time by both
 * surfaces).
 */
export const defineOperation = <I extends z.ZodType, const R extends readonly SuccessResponse[]>(
  impl: OperationImpl<I, R, AuthedUser>,
): OperationImpl<I, R, AuthedUser> => impl;

/** An operation without a Firebase user: HeyGen's webhook, authenticated by its signature. */
export const defineSignedOperation = <
  I extends z.ZodType,
  const R extends readonly SuccessResponse[],
>(
  impl: OperationImpl<I, R, null>,
): OperationImpl<I, R, null> => impl;

/**
 * The API's types as a client sees them, derived from the operation table and each
 * operation's schemas: what it sends (the schema's input) and what it receives (the
 * response schemas' output, JSON as it arrives). The web client imports these types
 * (types only: nothing of the server is bundled), so a schema change that breaks a
 * call site fails its type check.
 */
import type { z } from "zod";
import type { CallableErrorDetails } from "../http/callable-handler";
import type { CallableOperationName, OPERATIONS, OperationName } from "./operations";

type Implementation<K extends OperationName> = Awaited<ReturnType<(typeof OPERATIONS)[K]["load"]>>;

/** What a client sends to operation K (before defaults and transforms). */
export type OperationInput<K extends OperationName> = z.input<Implementation<K>["input"]>;

/** What a client receives from operation K: any of its success answers. */
export type OperationOutput<K extends OperationName> = z.output<
  Implementation<K>["responses"][number]["schema"]
>;

export type { CallableOperationName, CallableErrorDetails };

/**
 * Compile-time half of the response contract (tsc checks this file in `npm run lint`):
 * an operation's function must return what its response schemas accept, and the
 * client's types come from the same schemas. Both surfaces check the same schemas at
 * run time (test/unit/route-response.test.ts).
 */
import { expect } from "chai";
import { z } from "zod";
import { defineOperation } from "../../src/api/operation";
import type {
  CallableOperationName,
  OperationInput,
  OperationOutput,
} from "../../src/api/contract";

/** Compiles only when A is assignable to B. */
type Assignable<A, B> = [A] extends [B] ? true : never;
const holds = <T extends true>(value: T): T => value;

describe("operation types (compile time)", () => {
  it("refuses an operation whose answer does not fit its response schema", () => {
    const responses = [
      { status: 200, description: "t", schema: z.object({ n: z.number() }) },
    ] as const;
    const fits = defineOperation({
      input: z.object({}),
      responses,
      doc: { errors: [] },
      run: async () => ({ n: 1 }),
    });
    defineOperation({
      input: z.object({}),
      responses,
      doc: { errors: [] },
      // @ts-expect-error a string where the schema says number
      run: async () => ({ n: "one" }),
    });
    expect(fits.responses).to.have.length(1);
  });

  it("gives clients the table's input and output types", () => {
    const checks: true[] = [
      holds<Assignable<{ projectId: string }, OperationInput<"generate">>>(true),
      holds<Assignable<{ purpose: "avatar_3d" }, OperationInput<"withdraw_consent">>>(true),
      holds<Assignable<OperationOutput<"me">["consent"]["avatar_3d"]["granted"], boolean>>(true),
      holds<Assignable<OperationOutput<"create_avatar_job">, { jobId: string }>>(true),
      holds<Assignable<"generate" | "me" | "create_avatar_job", CallableOperationName>>(true),
    ];
    // @ts-expect-error HeyGen's webhook has no callable
    const webhook: CallableOperationName = "heygen_webhook";
    // @ts-expect-error the input schema wants a projectId
    const missing: OperationInput<"generate"> = {};
    expect(checks).to.have.length(5);
    expect([webhook, missing]).to.have.length(2);
  });
});

/** The ApiError a call refuses with, for tests that then check its code, status and message. */
import { expect } from "chai";
import { ApiError } from "../../src/errors";

/** The ApiError `fn` throws; the test fails with `accepted` when `fn` returns. */
export function thrownApiError(fn: () => unknown, accepted: string): ApiError {
  try {
    fn();
  } catch (err) {
    expect(err).to.be.instanceOf(ApiError);
    return err as ApiError;
  }
  throw new Error(accepted);
}

/** The ApiError `p` rejects with; the test fails with `accepted` when `p` resolves. */
export async function rejectedApiError(p: Promise<unknown>, accepted: string): Promise<ApiError> {
  try {
    await p;
  } catch (err) {
    expect(err).to.be.instanceOf(ApiError);
    return err as ApiError;
  }
  throw new Error(accepted);
}

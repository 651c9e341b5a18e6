/** zod validation at the edge: failures become INVALID_REQUEST with the issues in `details`. */
import type { z } from "zod";
import { ApiError } from "../errors";

export interface IssueDetail {
  path: string;
  message: string;
  code: string;
}

export function zodIssues(error: z.ZodError): IssueDetail[] {
  return error.issues.map((i) => ({
    path: i.path.map(String).join("."),
    message: i.message,
    code: i.code,
  }));
}

export function parseInput<S extends z.ZodType>(
  schema: S,
  value: unknown,
  what: string,
): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issues = zodIssues(result.error);
    const first = issues[0];
    const where = first?.path
      ? ` (${first.path}: ${first.message})`
      : first
        ? ` (${first.message})`
        : "";
    throw new ApiError("INVALID_REQUEST", `The ${what} is not valid${where}.`, { details: issues });
  }
  return result.data;
}

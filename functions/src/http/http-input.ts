/**
 * How an HTTPS request becomes an operation's input (a callable sends the input as is):
 * the path parameters, plus the query string for a GET or the JSON body otherwise; a
 * multipart body is read into the same shape a callable sends (./multipart.ts); a
 * signed webhook keeps its raw bytes and headers.
 */
import type { Request } from "firebase-functions/v2/https";
import { ApiError } from "../errors";
import type { HttpInput } from "../api/operation";

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

async function multipartInput(
  req: Request,
  spec: Extract<HttpInput, { kind: "multipart" }>,
): Promise<Record<string, unknown>> {
  if (!req.rawBody?.length) {
    throw new ApiError("INVALID_REQUEST", "Send the request as multipart/form-data.");
  }
  const { parseMultipart } = await import("./multipart");
  const form = await parseMultipart(req.rawBody, req.headers, {
    fileField: spec.file,
    maxFileBytes: spec.maxFileBytes,
  });
  const input: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(form.fields)) {
    if (!spec.jsonFields.includes(name)) {
      input[name] = value;
      continue;
    }
    try {
      input[name] = JSON.parse(value) as unknown;
    } catch {
      throw new ApiError("INVALID_REQUEST", `The ${name} field must be a JSON object.`);
    }
  }
  if (form.file) {
    input[spec.file] = {
      data: form.file.data.toString("base64"),
      contentType: form.file.declaredType,
      filename: form.file.filename,
    };
  }
  return input;
}

export async function readHttpInput(
  req: Request,
  spec: HttpInput | undefined,
  params: Record<string, string>,
): Promise<unknown> {
  if (spec?.kind === "raw") return { rawBody: req.rawBody, headers: req.headers };
  if (spec?.kind === "multipart") return { ...(await multipartInput(req, spec)), ...params };
  const source: unknown = req.method === "GET" ? req.query : (req.body ?? {});
  // A JSON array or string is left as it is: the schema refuses it.
  return isRecord(source) ? { ...source, ...params } : source;
}

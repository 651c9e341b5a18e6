/**
 * Multipart parsing of a function's raw body with busboy (streaming parser): one
 * file part held up to `maxFileBytes` (413 beyond, checked while parsing) and the
 * text fields.
 */
import busboy from "busboy";
import { ApiError } from "../errors";

export interface ParsedMultipart {
  file: { field: string; filename: string; declaredType: string; data: Buffer } | null;
  fields: Record<string, string>;
}

/** 413 for a file part (or its base64 twin) over the limit. */
export const payloadTooLarge = (field: string, maxBytes: number): ApiError =>
  new ApiError(
    "PAYLOAD_TOO_LARGE",
    `The ${field} is larger than ${Math.round(maxBytes / 1024 / 1024)} MB; send a smaller image.`,
  );

export function parseMultipart(
  rawBody: Buffer,
  headers: Record<string, string | string[] | undefined>,
  opts: { fileField: string; maxFileBytes: number },
): Promise<ParsedMultipart> {
  return new Promise((resolve, reject) => {
    let bb: busboy.Busboy;
    try {
      bb = busboy({
        headers: headers as Record<string, string>,
        limits: { files: 1, fileSize: opts.maxFileBytes, fields: 10, fieldSize: 64 * 1024 },
      });
    } catch {
      return reject(new ApiError("INVALID_REQUEST", "Send the request as multipart/form-data."));
    }
    const result: ParsedMultipart = { file: null, fields: {} };
    let failure: ApiError | null = null;
    bb.on("file", (field, stream, info) => {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("limit", () => {
        failure = payloadTooLarge(field, opts.maxFileBytes);
      });
      stream.on("end", () => {
        if (field === opts.fileField) {
          result.file = {
            field,
            filename: info.filename ?? "",
            declaredType: info.mimeType,
            data: Buffer.concat(chunks),
          };
        }
      });
    });
    bb.on("field", (name, value) => (result.fields[name] = value));
    bb.on("error", () =>
      reject(new ApiError("INVALID_REQUEST", "The multipart body could not be read.")),
    );
    bb.on("close", () => (failure ? reject(failure) : resolve(result)));
    bb.end(rawBody);
  });
}

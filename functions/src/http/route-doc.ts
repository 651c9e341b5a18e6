/**
 * What a route declares besides its handler: the response it answers with (validated
 * by the router before it is sent) and what the OpenAPI document says about it
 * (devtools/openapi.ts reads both from the routes, through ./endpoints.ts).
 */
import type { z } from "zod";

/** The success answer of a route: its status and the schema of its JSON body. */
export interface RouteResponse {
  status: 200 | 202;
  description: string;
  /** The body as the client receives it (JSON: dates are strings). */
  schema: z.ZodType;
  /** A second success answer (generate: 202 while the look is prepared), checked the same way. */
  alternative?: { status: 200 | 202; description: string; schema: z.ZodType };
}

/** The request body as documented, when it is not the validated `body` schema itself. */
export type DocumentedBody =
  /** JSON the handler parses itself (a signed raw body). */
  | { kind: "json"; schema: z.ZodType }
  /** Alternatives of one validated schema, with titles (generate's voice sources). */
  | { kind: "oneOf"; shapes: { title: string; schema: z.ZodType }[] }
  /** multipart/form-data: one file and fields holding JSON. */
  | {
      kind: "multipart";
      file: { name: string; description: string };
      jsonFields: Record<string, z.ZodType>;
    };

export interface RouteDoc {
  summary: string;
  /** Error statuses the route answers (their codes come from errors.ts). */
  errors: number[];
  requestBody?: DocumentedBody;
  /** The path parameters' schema, when the handler validates them (else each is a string). */
  params?: z.ZodObject;
  /** Authentication other than the Firebase ID token: HeyGen's webhook signature. */
  security?: "heygenSignature";
}

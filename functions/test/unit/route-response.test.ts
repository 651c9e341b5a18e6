/**
 * What both surfaces send back (http/run-operation.ts): an answer is checked against
 * the operation's response schema before it leaves, and an HTTPS answer that fails the
 * check is the design's 500 error body without the operation's headers.
 */
import { expect } from "chai";
import { z } from "zod";
import type { Request } from "firebase-functions/v2/https";
import type { Response } from "express";
import { checkResponse } from "../../src/http/run-operation";
import { createHttpsHandler } from "../../src/http/https-handler";
import { defineOperation } from "../../src/api/operation";
import type { OperationEntry } from "../../src/api/operations";
import { OPERATION_RUNTIME } from "../../src/runtime-options";
import type { AppContext } from "../../src/context";
import { ApiError } from "../../src/errors";

const answer = {
  responses: [
    {
      status: 200,
      description: "test",
      schema: z.object({ id: z.string(), at: z.string().nullable(), n: z.number().optional() }),
    },
  ],
} as const;

describe("operations: answers are checked against their response schema", () => {
  it("lets a body that matches through, checked as the client receives it (JSON)", () => {
    expect(() => checkResponse("t", answer, { id: "a", at: null }, 200)).to.not.throw();
    // A Date becomes its ISO string on the wire, which the schema describes.
    expect(() => checkResponse("t", answer, { id: "a", at: new Date(0) }, 200)).to.not.throw();
  });

  it("refuses a body that does not match with 500 INTERNAL, naming the field in the logged cause only", () => {
    let caught: unknown;
    try {
      checkResponse("probe_op", answer, { id: 1, at: null, n: "x" }, 200);
    } catch (err) {
      caught = err;
    }
    expect(caught).to.be.instanceOf(ApiError);
    const err = caught as ApiError;
    expect(err.code).to.equal("INTERNAL");
    expect(err.message).to.not.match(/schema|\bid\b/);
    expect(String((err.cause as Error).message))
      .to.match(/probe_op/)
      .and.match(/id: /)
      .and.match(/n: /);
  });

  it("refuses a missing body where the schema wants one, and a status no answer declares", () => {
    expect(() => checkResponse("t", answer, undefined, 200)).to.throw(ApiError);
    let undeclared: unknown;
    try {
      checkResponse("t", answer, { id: "a", at: null }, 202);
    } catch (err) {
      undeclared = err;
    }
    expect(String(((undeclared as ApiError).cause as Error).message)).to.match(/no 202 answer/);
  });
});

/** Just enough of express's Response to see what the handler sends. */
function fakeResponse() {
  const sent = { status: 0, headers: {} as Record<string, string>, body: undefined as unknown };
  const res = {
    headersSent: false,
    statusCode: 200,
    setHeader(k: string, v: string) {
      sent.headers[k.toLowerCase()] = v;
      return res;
    },
    status(code: number) {
      sent.status = code;
      res.statusCode = code;
      return res;
    },
    json(body: unknown) {
      sent.body = body;
      res.headersSent = true;
      return res;
    },
    end() {
      res.headersSent = true;
      return res;
    },
  };
  return { res: res as unknown as Response, sent };
}

describe("HTTPS: what a client receives when an answer breaks its schema", () => {
  const serve = (body: unknown) => {
    const entry: OperationEntry = {
      auth: "user",
      callable: true,
      appCheck: true,
      summary: "probe",
      method: "GET",
      path: "/t",
      https: "t",
      runtime: OPERATION_RUNTIME.json,
      secrets: [],
      load: async () =>
        defineOperation({
          input: z.object({}),
          responses: [{ status: 200, description: "t", schema: z.object({ ok: z.literal(true) }) }],
          doc: { errors: [] },
          run: async ({ setHeader }) => {
            setHeader("Content-Disposition", 'attachment; filename="x.json"');
            return body as { ok: true };
          },
        }),
    };
    const app = {
      config: { corsOrigins: [], params: { APP_CHECK_ENFORCED: false } },
      auth: { verifyIdToken: async () => ({ uid: "u1" }) },
    } as unknown as AppContext;
    return createHttpsHandler(
      "t",
      { basePath: "/t", routes: [{ name: "probe", entry, path: "" }] },
      () => app,
    );
  };
  const req = {
    method: "GET",
    path: "/t",
    headers: {},
    query: {},
    get: (name: string) => (name.toLowerCase() === "authorization" ? "Bearer t" : undefined),
  } as unknown as Request;

  it("sends a matching body as is, with the operation's headers", async () => {
    const { res, sent } = fakeResponse();
    await serve({ ok: true })(req, res);
    expect(sent.status).to.equal(200);
    expect(sent.body).to.deep.equal({ ok: true });
    expect(sent.headers["content-disposition"]).to.match(/attachment/);
  });

  it("answers a mismatching body with the design's 500 error body and none of the operation's headers", async () => {
    const { res, sent } = fakeResponse();
    await serve({ ok: "yes", secret: "s" })(req, res);
    expect(sent.status).to.equal(500);
    expect(sent.body).to.include({ error: "INTERNAL" });
    expect(JSON.stringify(sent.body)).to.not.contain("yes");
    expect(sent.headers).to.not.have.property("content-disposition");
    expect(sent.headers).to.have.property("x-request-id");
  });
});

import { expect } from "chai";
import { z } from "zod";
import type { Request } from "firebase-functions/v2/https";
import type { Response } from "express";
import { checkResponse, createHttpFunction, route } from "../../src/http/router";
import type { AppContext } from "../../src/context";
import { ApiError } from "../../src/errors";

const r = route({
  method: "GET",
  path: "/:id",
  response: {
    status: 200,
    description: "test",
    schema: z.object({ id: z.string(), at: z.string().nullable(), n: z.number().optional() }),
  },
  doc: { summary: "test", errors: [] },
  handle: async () => ({ body: {} }),
});

describe("router: responses are checked against the route's schema", () => {
  it("lets a body that matches through, checked as the client receives it (JSON)", () => {
    expect(() => checkResponse(r, { id: "a", at: null })).to.not.throw();
    // A Date becomes its ISO string on the wire, which the schema describes.
    expect(() => checkResponse(r, { id: "a", at: new Date(0) })).to.not.throw();
  });

  it("refuses a body that does not match with 500 INTERNAL, naming the field in the logged cause only", () => {
    let caught: unknown;
    try {
      checkResponse(r, { id: 1, at: null, n: "x" });
    } catch (err) {
      caught = err;
    }
    expect(caught).to.be.instanceOf(ApiError);
    const err = caught as ApiError;
    expect(err.code).to.equal("INTERNAL");
    expect(err.message).to.not.match(/schema|\bid\b/);
    expect(String((err.cause as Error).message))
      .to.match(/GET \/:id/)
      .and.match(/id: /)
      .and.match(/n: /);
  });

  it("refuses a missing body where the schema wants one", () => {
    expect(() => checkResponse(r, undefined)).to.throw(ApiError);
  });
});

/** Just enough of express's Response to see what the router sends. */
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

describe("router: what a client receives when a body breaks its schema", () => {
  const serve = (body: unknown) =>
    createHttpFunction({
      name: "t",
      basePath: "/t",
      context: () => ({ config: { corsOrigins: [] } }) as unknown as AppContext,
      routes: [
        route({
          method: "GET",
          path: "",
          auth: false,
          response: { status: 200, description: "t", schema: z.object({ ok: z.literal(true) }) },
          doc: { summary: "t", errors: [] },
          handle: async () => ({
            body,
            headers: { "Content-Disposition": 'attachment; filename="x.json"' },
          }),
        }),
      ],
    });
  const req = { method: "GET", path: "/t", headers: {}, query: {} } as unknown as Request;

  it("sends a matching body as is, with the route's headers", async () => {
    const { res, sent } = fakeResponse();
    await serve({ ok: true })(req, res);
    expect(sent.status).to.equal(200);
    expect(sent.body).to.deep.equal({ ok: true });
    expect(sent.headers["content-disposition"]).to.match(/attachment/);
  });

  it("answers a mismatching body with the design's 500 error body and none of the route's headers", async () => {
    const { res, sent } = fakeResponse();
    await serve({ ok: "yes", secret: "s" })(req, res);
    expect(sent.status).to.equal(500);
    expect(sent.body).to.include({ error: "INTERNAL" });
    expect(JSON.stringify(sent.body)).to.not.contain("yes");
    expect(sent.headers).to.not.have.property("content-disposition");
    expect(sent.headers).to.have.property("x-request-id");
  });
});

import { expect } from "chai";
import { z } from "zod";
import { checkResponse, route } from "../../src/http/router";
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

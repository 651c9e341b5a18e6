/**
 * CORS preflights as a browser on another origin sends them (OPTIONS with Origin,
 * Access-Control-Request-Method and -Headers), for every operation of the table at its
 * own HTTPS route: each method the API uses is allowed where it is used, DELETE too.
 */
import { expect } from "chai";
import { callFunction } from "../helpers/http";
import { createUser } from "../helpers/auth";
import { operationList } from "../../src/api/operations";
import { useStack } from "../helpers/use-stack";

const ORIGIN = "http://localhost:5173";
const REQUESTED_HEADERS = "authorization, content-type, x-firebase-appcheck";
const sample = (path: string) => path.replace(/:([A-Za-z0-9_]+)/g, "x-$1");

const preflight = (fn: string, path: string, method: string, origin = ORIGIN) =>
  callFunction(fn, path, {
    method: "OPTIONS",
    headers: {
      Origin: origin,
      "Access-Control-Request-Method": method,
      "Access-Control-Request-Headers": REQUESTED_HEADERS,
    },
  });

describe("CORS: preflights for every method the API uses", function () {
  this.timeout(30000);
  // The withdrawal after the preflight looks for the user's inputs in Storage.
  useStack({ servers: ["storage"] });

  const used = [...new Set(operationList().map(([, e]) => e.method))];
  it("the table uses GET, POST and DELETE", () => {
    expect(used.sort()).to.deep.equal(["DELETE", "GET", "POST"]);
  });

  for (const [name, entry] of operationList()) {
    if (entry.auth !== "user") continue;
    it(`${name}: ${entry.method} ${entry.path} is allowed from the web client's origin`, async () => {
      const res = await preflight(entry.https, sample(entry.path), entry.method);
      expect(res.status).to.equal(200);
      expect(res.headers.get("access-control-allow-origin")).to.equal(ORIGIN);
      const methods = (res.headers.get("access-control-allow-methods") ?? "").split(/,\s*/);
      expect(methods).to.include(entry.method);
      const headers = (res.headers.get("access-control-allow-headers") ?? "").toLowerCase();
      for (const h of REQUESTED_HEADERS.split(", ")) expect(headers).to.include(h);
    });
  }

  it("answers the DELETE that follows with the origin allowed", async () => {
    const user = await createUser();
    const res = await callFunction("me", "/api/me/consent/avatar_3d", {
      method: "DELETE",
      token: user.idToken,
      headers: { Origin: ORIGIN },
    });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.headers.get("access-control-allow-origin")).to.equal(ORIGIN);
  });

  it("allows no other origin, and leaves HeyGen's webhook without CORS (OPTIONS answered 200)", async () => {
    const other = await preflight("me", "/api/me", "DELETE", "https://evil.example");
    expect(other.headers.get("access-control-allow-origin")).to.equal(null);
    const hook = await preflight("heygen_webhook", "/api/heygen/webhook", "POST");
    expect(hook.status).to.equal(200);
    expect(hook.headers.get("access-control-allow-origin")).to.equal(null);
  });
});

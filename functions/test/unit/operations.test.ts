/**
 * The operation table (src/api/operations.ts) against what is built from it: Hosting
 * rewrites, routing, CORS methods, callables, docs/api.md, and the cold start of the
 * module index.ts loads it from.
 */
import { expect } from "chai";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { operationList, type HttpsFunctionName } from "../../src/api/operations";
import { findRoute, routesOf } from "../../src/http/router";
import { allowedMethods } from "../../src/http/cors";
import { API_DOC_FILE, renderOperationList, withOperationList } from "../../devtools/api-doc";
import { REPO_ROOT } from "../../devtools/repo-root";

const FUNCTIONS_DIR = path.resolve(__dirname, "..", "..");
const sample = (p: string) => p.replace(/:([A-Za-z0-9_]+)/g, "x-$1");

describe("the operation table", () => {
  it("has each operation's HTTPS path rewritten by Firebase Hosting to its function", () => {
    const config = JSON.parse(readFileSync(path.join(REPO_ROOT, "firebase.json"), "utf8")) as {
      hosting: { rewrites: { source: string; function?: { functionId: string } }[] };
    };
    const glob = (source: string) =>
      new RegExp(
        "^" +
          source
            .split("**")
            .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "[^/]*"))
            .join(".*") +
          "$",
      );
    for (const [name, entry] of operationList()) {
      const url = sample(entry.path);
      const hit = config.hosting.rewrites.find((w) => glob(w.source).test(url));
      expect(hit?.function?.functionId, `${name}: ${url}`).to.equal(entry.https);
    }
  });

  it("routes each operation's own path (full, and relative to its function's URL) back to it", () => {
    for (const [name, entry] of operationList()) {
      const fn = routesOf(entry.https as HttpsFunctionName);
      expect(entry.path.startsWith(fn.basePath), name).to.equal(true);
      const full = findRoute(fn, entry.method, sample(entry.path));
      expect(full.route.name).to.equal(name);
      const relative = sample(entry.path).slice(fn.basePath.length) || "/";
      expect(findRoute(fn, entry.method, relative).route.name).to.equal(name);
      for (const [param, value] of Object.entries(full.params))
        expect(value).to.equal(`x-${param}`);
    }
  });

  it("allows by CORS exactly the methods a function's operations use", () => {
    const me = routesOf("me");
    expect(allowedMethods(me.routes.map((r) => r.entry.method))).to.equal(
      "GET, POST, DELETE, OPTIONS",
    );
    const projects = routesOf("projects");
    expect(allowedMethods(projects.routes.map((r) => r.entry.method))).to.equal(
      "POST, DELETE, OPTIONS",
    );
  });

  it("gives every operation of a signed-in user a callable and App Check; HeyGen's webhook neither", () => {
    for (const [name, e] of operationList()) {
      expect(e.callable, name).to.equal(e.auth === "user");
      expect(e.appCheck, name).to.equal(e.auth === "user");
    }
  });

  it("is listed in docs/api.md as generated (run devtools/api-doc.ts after a change)", () => {
    const doc = readFileSync(API_DOC_FILE, "utf8");
    expect(doc, "the operation list between the markers is stale").to.equal(withOperationList(doc));
    for (const [name, e] of operationList()) {
      expect(renderOperationList()).to.include(`| \`${name}\` | \`${e.method} ${e.path}\` |`);
    }
  });

  it("keeps index.ts light: loading it loads no operation, no schema, no service", function () {
    this.timeout(30000);
    const probe = `
      require("./src/index");
      const loaded = Object.keys(require.cache).map((f) => f.split(require("path").sep).join("/"));
      const heavy = loaded.filter((f) => /\\/src\\/(handlers|services|store)\\/|\\/node_modules\\/zod\\//.test(f));
      process.stdout.write(JSON.stringify(heavy));
    `;
    const out = execFileSync(process.execPath, ["--require", "tsx/cjs", "-e", probe], {
      cwd: FUNCTIONS_DIR,
      encoding: "utf8",
    });
    expect(JSON.parse(out)).to.deep.equal([]);
  });
});

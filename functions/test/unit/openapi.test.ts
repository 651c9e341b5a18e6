import { expect } from "chai";
import { readFileSync } from "node:fs";
import path from "node:path";
import { OPENAPI_FILE, openApiPath, renderOpenApi } from "../../devtools/openapi";
import { HTTP_ENDPOINTS } from "../../src/http/endpoints";
import type { Route } from "../../src/http/router";

type Doc = {
  paths: Record<
    string,
    Record<string, { responses: Record<string, unknown> } & Record<string, unknown>>
  >;
};

async function registryRoutes(): Promise<{ fn: string; basePath: string; r: Route }[]> {
  const out: { fn: string; basePath: string; r: Route }[] = [];
  for (const [fn, ep] of Object.entries(HTTP_ENDPOINTS)) {
    for (const r of await ep.routes()) out.push({ fn, basePath: ep.basePath, r });
  }
  return out;
}

describe("openapi.json", () => {
  let rendered = "";
  let doc: Doc;
  before(async () => {
    rendered = await renderOpenApi();
    doc = JSON.parse(rendered) as Doc;
  });

  it("is the document generated from the route registry and the routes' zod schemas (run devtools/openapi.ts after a change)", () => {
    expect(readFileSync(OPENAPI_FILE, "utf8")).to.equal(rendered);
  });

  it("has exactly the registry's routes, each with its response schema and error codes", async () => {
    const routes = await registryRoutes();
    const expected = routes.map(
      ({ basePath, r }) => `${r.method} ${openApiPath(basePath, r.path)}`,
    );
    const documented = Object.entries(doc.paths).flatMap(([p, ops]) =>
      Object.keys(ops)
        .filter((m) => m !== "options")
        .map((m) => `${m.toUpperCase()} ${p}`),
    );
    expect(documented.sort()).to.deep.equal(expected.sort());
    for (const { basePath, r } of routes) {
      const op = doc.paths[openApiPath(basePath, r.path)][r.method.toLowerCase()];
      expect(op.responses, `${r.method} ${basePath}${r.path}`).to.have.property(
        String(r.response.status),
      );
      for (const status of r.doc.errors) expect(op.responses).to.have.property(String(status));
    }
  });

  it("is served by Firebase Hosting: every route's path is rewritten to its function", async () => {
    const config = JSON.parse(
      readFileSync(path.resolve(__dirname, "..", "..", "..", "firebase.json"), "utf8"),
    ) as { hosting: { rewrites: { source: string; function?: { functionId: string } }[] } };
    const glob = (source: string) =>
      new RegExp(
        "^" +
          source
            .split("**")
            .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "[^/]*"))
            .join(".*") +
          "$",
      );
    for (const { fn, basePath, r } of await registryRoutes()) {
      const url = basePath + r.path.replace(/:[A-Za-z0-9_]+/g, "x");
      const hit = config.hosting.rewrites.find((w) => glob(w.source).test(url));
      expect(hit?.function?.functionId, url).to.equal(fn);
    }
  });

  it("carries the validation bounds of the schemas", () => {
    const parsed = JSON.parse(rendered);
    const voice =
      parsed.paths["/avatar/preferences"].post.requestBody.content["application/json"].schema
        .properties.voice;
    expect(voice.properties.pitch).to.include({ minimum: -0.5, maximum: 1 });
    expect(voice.properties.language.enum).to.include("de-DE");
  });

  it("shows both request shapes of generate", () => {
    const parsed = JSON.parse(rendered);
    const shapes =
      parsed.paths["/api/heygen/generate"].post.requestBody.content["application/json"].schema
        .oneOf;
    expect(shapes.map((s: { title: string }) => s.title)).to.deep.equal([
      "Recorded voice",
      "Script and HeyGen voice",
    ]);
    expect(shapes[0].properties).to.have.property("voiceUrl").and.not.have.property("script");
    expect(shapes[1].required).to.include("script");
    expect(shapes[1].properties.voiceSettings.properties.pitch).to.include({
      minimum: -20,
      maximum: 20,
    });
  });

  it("documents the withdrawal's purpose from the schema the handler checks it with", () => {
    const parsed = JSON.parse(rendered);
    const [purpose] = parsed.paths["/api/me/consent/{purpose}"].delete.parameters;
    expect(purpose).to.include({ name: "purpose", in: "path", required: true });
    expect(purpose.schema.enum).to.deep.equal(["heygen_face", "heygen_voice", "avatar_3d"]);
  });
});

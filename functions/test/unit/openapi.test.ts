import { expect } from "chai";
import { readFileSync } from "node:fs";
import { OPENAPI_FILE, openApiPath, renderOpenApi } from "../../devtools/openapi";
import { operationList } from "../../src/api/operations";

type Doc = {
  paths: Record<
    string,
    Record<string, { responses: Record<string, unknown> } & Record<string, unknown>>
  >;
};

describe("openapi.json", () => {
  let rendered = "";
  let doc: Doc;
  before(async () => {
    rendered = await renderOpenApi();
    doc = JSON.parse(rendered) as Doc;
  });

  it("is the document generated from the operation table and the operations' zod schemas (run devtools/openapi.ts after a change)", () => {
    expect(readFileSync(OPENAPI_FILE, "utf8")).to.equal(rendered);
  });

  it("has exactly the table's operations, each with its success answers and error codes", async () => {
    const expected = operationList().map(([, e]) => `${e.method} ${openApiPath(e.path)}`);
    const documented = Object.entries(doc.paths).flatMap(([p, ops]) =>
      Object.keys(ops)
        .filter((m) => m !== "options")
        .map((m) => `${m.toUpperCase()} ${p}`),
    );
    expect(documented.sort()).to.deep.equal(expected.sort());
    for (const [name, entry] of operationList()) {
      const impl = await entry.load();
      const op = doc.paths[openApiPath(entry.path)][entry.method.toLowerCase()];
      expect(op.operationId).to.equal(name);
      for (const r of impl.responses) expect(op.responses).to.have.property(String(r.status));
      for (const status of impl.doc.errors) expect(op.responses).to.have.property(String(status));
      if (entry.callable) expect(op["x-callable"]).to.equal(`${name}_call`);
      else expect(op).to.not.have.property("x-callable");
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

  it("documents path parameters and the query string from the input schema", () => {
    const parsed = JSON.parse(rendered);
    const [purpose] = parsed.paths["/api/me/consent/{purpose}"].delete.parameters;
    expect(purpose).to.include({ name: "purpose", in: "path", required: true });
    expect(purpose.schema.enum).to.deep.equal([
      "heygen_face",
      "heygen_voice",
      "avatar_3d",
      "speech_timeline",
    ]);
    expect(parsed.paths["/api/me/consent/{purpose}"].delete).to.not.have.property("requestBody");
    const [videoId] = parsed.paths["/api/heygen/video_status.get"].get.parameters;
    expect(videoId).to.include({ name: "video_id", in: "query", required: true });
  });

  it("documents the selfie as multipart (file part + JSON options) and the webhook as signed", () => {
    const parsed = JSON.parse(rendered);
    const form =
      parsed.paths["/avatar/jobs"].post.requestBody.content["multipart/form-data"].schema;
    expect(form.required).to.deep.equal(["file"]);
    expect(form.properties.file).to.include({ format: "binary" });
    expect(form.properties.options.contentSchema.properties.blendshapes.enum).to.include("arkit");
    const hook = parsed.paths["/api/heygen/webhook"];
    expect(hook.post.security).to.deep.equal([{ heygenSignature: [] }]);
    expect(hook).to.have.property("options");
    expect(parsed.paths["/api/me"].get.security).to.deep.include({
      firebaseIdToken: [],
      appCheck: [],
    });
  });
});

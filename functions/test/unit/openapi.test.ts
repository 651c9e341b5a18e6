import { expect } from "chai";
import { readFileSync } from "node:fs";
import { OPENAPI_FILE, renderOpenApi } from "../../devtools/openapi";

describe("openapi.json", () => {
  it("is the document generated from the handlers' zod schemas (run devtools/openapi.ts after a change)", () => {
    expect(readFileSync(OPENAPI_FILE, "utf8")).to.equal(renderOpenApi());
  });

  it("carries the validation bounds of the schemas", () => {
    const doc = JSON.parse(renderOpenApi());
    const voice =
      doc.paths["/avatar/preferences"].post.requestBody.content["application/json"].schema
        .properties.voice;
    expect(voice.properties.pitch).to.include({ minimum: -12, maximum: 12 });
    expect(voice.properties.language.enum).to.include("de-DE");
  });

  it("shows both request shapes of generate", () => {
    const doc = JSON.parse(renderOpenApi());
    const shapes =
      doc.paths["/api/heygen/generate"].post.requestBody.content["application/json"].schema.oneOf;
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
});

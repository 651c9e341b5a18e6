import { expect } from "chai";
import * as config from "../../src/config";
import { SIMULATED_SECRETS, simulatedParams } from "../../devtools/stack-env";

const isParam = (v: unknown): v is { name: string } =>
  typeof v === "object" && v !== null && "name" in v && "value" in v;

describe("local stack configuration", () => {
  it("gives every declared param and secret a value, so the CLI never prompts", () => {
    const declared = (Object.values(config) as unknown[])
      .filter(isParam)
      .map((p) => p.name)
      .sort();
    const provided = [
      ...Object.keys(simulatedParams("demo-x")),
      ...Object.keys(SIMULATED_SECRETS),
    ].sort();
    expect(provided).to.deep.equal(declared);
  });
});

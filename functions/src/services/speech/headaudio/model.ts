/**
 * The trained viseme model that ships inside the `@met4citizen/headaudio` npm package
 * (`dist/model-en-mixed.bin`, 39 prototypes trained on four English voices). It is read
 * from the installed package, once per process; nothing is downloaded.
 */
import { readFileSync } from "node:fs";
import { parseModel, type Prototype } from "./classifier";

/** The package, version and model the engine runs (recorded in every timeline). */
export const HEADAUDIO_MODEL = {
  package: "@met4citizen/headaudio",
  version: "0.1.0",
  model: "model-en-mixed",
} as const;

let loaded: readonly Prototype[] | null = null;

/** The model's prototypes (the package has no `exports` map, so the file resolves directly). */
export function englishVisemeModel(): readonly Prototype[] {
  loaded ??= parseModel(
    readFileSync(require.resolve(`${HEADAUDIO_MODEL.package}/dist/${HEADAUDIO_MODEL.model}.bin`)),
  );
  return loaded;
}

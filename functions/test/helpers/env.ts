/** Where the emulators of this test run are (set by `firebase emulators:exec`). */
export const PROJECT_ID =
  process.env.MASKY_TEST_PROJECT_ID ?? process.env.GCLOUD_PROJECT ?? "demo-masky-test";
export const REGION = "us-central1";

function required(name: string): string {
  const v = process.env[name];
  if (!v) {
    throw new Error(`${name} is not set: run the suite with \`npm test\` at the repository root.`);
  }
  return v;
}

export const emulators = {
  firestore: () => required("FIRESTORE_EMULATOR_HOST"),
  auth: () => required("FIREBASE_AUTH_EMULATOR_HOST"),
  functions: () => process.env.FUNCTIONS_EMULATOR_HOST ?? "127.0.0.1:5001",
};

export function functionUrl(name: string, path = ""): string {
  return `http://${emulators.functions()}/${PROJECT_ID}/${REGION}/${name}${path}`;
}

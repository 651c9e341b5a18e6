/** Uploads to the local Storage server through the real client, as the web client's uploads land. */
import { createReadStream } from "node:fs";
import { pipeline } from "node:stream/promises";
import { Storage } from "@google-cloud/storage";
import { PROJECT_ID } from "./env";

export const TEST_BUCKET = `${PROJECT_ID}.appspot.com`;

let storage: Storage | undefined;
export const bucket = () =>
  (storage ??= new Storage({ projectId: PROJECT_ID })).bucket(TEST_BUCKET);

export async function uploadFile(
  localPath: string,
  objectPath: string,
  contentType: string,
): Promise<string> {
  await pipeline(
    createReadStream(localPath),
    bucket().file(objectPath).createWriteStream({ contentType, resumable: false }),
  );
  return objectPath;
}

/** A project as the client creates it, with a recorded voice and, optionally, a photo. */
import { randomUUID } from "node:crypto";
import { db } from "./admin";
import { uploadFile } from "./storage";
import { photoJpeg, voiceWebm } from "../fixtures/media";

export async function projectWithVoice(
  uid: string,
  photo: number | null,
  name = "project",
): Promise<string> {
  const id = `p-${randomUUID().slice(0, 8)}`;
  const data: Record<string, string> = {
    userId: uid,
    name,
    voiceUrl: await uploadFile(await voiceWebm(), `users/${uid}/${id}.webm`, "audio/webm"),
  };
  if (photo !== null)
    data.avatarUrl = await uploadFile(
      await photoJpeg(photo),
      `users/${uid}/${id}.jpg`,
      "image/jpeg",
    );
  await db().doc(`projects/${id}`).set(data);
  return id;
}

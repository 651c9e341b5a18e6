/** A consenting bench user with a photo and a voice recording in the context's bucket. */
import { randomUUID } from "node:crypto";
import type { AppContext } from "../../src/context";
import { getBucket } from "../../src/clients/storage/bucket";
import { recordConsent } from "../../src/services/consent/record-consent";
import { photoJpeg, voiceWebm } from "../fixtures/media";

export interface BenchUser {
  uid: string;
  photoUrl: string;
  voiceUrl: string;
}

export async function benchUser(app: AppContext, label: string, photo = 0): Promise<BenchUser> {
  const uid = `bench-${label}-${randomUUID().slice(0, 8)}`;
  await recordConsent(app, uid, {
    policyVersion: app.config.consent.policyVersion,
    ageConfirmed: true,
    purposes: ["heygen_face", "heygen_voice", "avatar_3d"],
  });
  const bucketName = app.config.storageBucket;
  const upload = async (local: string, object: string, contentType: string) => {
    await getBucket(bucketName).upload(local, {
      destination: object,
      contentType,
      resumable: false,
    });
    return `gs://${bucketName}/${object}`;
  };
  return {
    uid,
    photoUrl: await upload(await photoJpeg(photo), `users/${uid}/photo.jpg`, "image/jpeg"),
    voiceUrl: await upload(await voiceWebm(3), `users/${uid}/voice.webm`, "audio/webm"),
  };
}

/** A new project of the user (as the client writes it); returns its id. */
export async function benchProject(
  app: AppContext,
  user: BenchUser,
  withPhoto = true,
): Promise<string> {
  const ref = app.db.collection("projects").doc();
  await ref.set({
    userId: user.uid,
    name: `Bench ${ref.id}`,
    voiceUrl: user.voiceUrl,
    ...(withPhoto ? { avatarUrl: user.photoUrl } : {}),
  });
  return ref.id;
}

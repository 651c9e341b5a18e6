/**
 * The steps of an account erasure, in order; each is idempotent (it deletes what is
 * still there), so a step that failed half-way is simply run again:
 *
 * 1. consent: every purpose withdrawn (new work refused, the trigger and sweeps
 *    stop), pending work cancelled, inputs deleted (Storage, HeyGen, provider).
 * 2. heygen: every video of the user at HeyGen (v3), also those no project records,
 *    found by their title marker; the v2 folder is reported.
 * 3. storage: every object under users/{uid}/, selfies/{uid}/, videos/{uid}/ and
 *    the user's avatars/{assetId}/.
 * 4. firestore: projects, avatar_jobs, avatar_assets, preferences, then users/{uid}
 *    with every subcollection (looks, assets, consent log, counters, locks).
 * 5. auth: the Auth user.
 *
 * A step whose upstream deletes failed throws, so the erasure is retried later.
 */
import type { AppContext } from "../../context";
import { getBucket } from "../../clients/storage/bucket";
import { assetsOfUser } from "../../store/avatar-assets";
import { CONSENT_PURPOSES, writeWithdrawal } from "../../store/consent";
import type { ErasureCounts, ErasureStep } from "../../store/erasures";
import { projectsOfUser } from "../../store/project-queries";
import { getUser } from "../../store/users";
import { deleteUserDocuments } from "../../store/user-data";
import { removeLostVideos } from "./erase-lost-videos";
import { countReport, stepFailure } from "./erasure-plan";
import { emptyReport, type RemovalReport } from "./removal-report";
import { removeAvatar3dInputs } from "./remove-avatar-3d";
import {
  removeHeygenFaceInputs,
  removeHeygenVoiceInputs,
  removeProjectVideo,
} from "./remove-heygen-inputs";

const ERASED = { code: "ACCOUNT_ERASED", message: "Cancelled: the account is being erased." };

async function consentStep(app: AppContext, uid: string, report: RemovalReport) {
  const at = app.clock.now();
  for (const purpose of CONSENT_PURPOSES) await writeWithdrawal(app.db, uid, purpose, at);
  await removeAvatar3dInputs(app, uid, report, ERASED.message);
  await removeHeygenFaceInputs(app, uid, report, ERASED);
  await removeHeygenVoiceInputs(app, uid, report, ERASED);
}

async function heygenStep(app: AppContext, uid: string, report: RemovalReport) {
  const projects = await projectsOfUser(app.db, uid);
  for (const { id, project: p } of projects) {
    if (!p.heygenVideoId || p.heygenVideoDeletedAt) continue;
    await removeProjectVideo(app, id, p.heygenVideoId, p.video?.apiVersion ?? "v3", report);
  }
  // Videos the projects do not record, found by their title marker.
  await removeLostVideos(app, projects, report);
  const folderId = (await getUser(app.db, uid))?.heygenFolderId;
  if (folderId) {
    report.upstream.push({
      system: "heygen",
      kind: "folder",
      id: folderId,
      outcome: "not_deletable",
      reason: "HeyGen documents no folder delete endpoint",
    });
  }
}

async function storageStep(app: AppContext, uid: string, report: RemovalReport) {
  const bucket = getBucket(app.config.storageBucket);
  const prefixes = [
    `users/${uid}/`,
    `selfies/${uid}/`,
    `videos/${uid}/`,
    ...(await assetsOfUser(app.db, uid)).map((a) => `avatars/${a.id}/`),
  ];
  for (const prefix of prefixes) {
    const [files] = await bucket.getFiles({ prefix });
    for (const file of files) {
      await file.delete({ ignoreNotFound: true });
      report.storage.push(file.name);
    }
  }
}

async function firestoreStep(app: AppContext, uid: string, report: RemovalReport) {
  report.firestore.push(...(await deleteUserDocuments(app.db, uid)));
}

async function authStep(app: AppContext, uid: string): Promise<void> {
  try {
    await app.auth.deleteUser(uid);
  } catch (err) {
    if ((err as { code?: string }).code !== "auth/user-not-found") throw err;
  }
}

const STEP_RUNNERS: Record<
  ErasureStep,
  (app: AppContext, uid: string, report: RemovalReport) => Promise<void>
> = {
  consent: consentStep,
  heygen: heygenStep,
  storage: storageStep,
  firestore: firestoreStep,
  auth: authStep,
};

/** Runs one step; answers its counts, or throws (retried later). */
export async function runErasureStep(
  app: AppContext,
  uid: string,
  step: ErasureStep,
): Promise<ErasureCounts> {
  const report = emptyReport();
  await STEP_RUNNERS[step](app, uid, report);
  const failure = stepFailure(report, step);
  if (failure) throw failure;
  const counts = countReport(report);
  if (step === "auth") counts.auth = { user: { deleted: 1 } };
  return counts;
}

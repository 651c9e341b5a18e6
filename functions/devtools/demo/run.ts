/**
 * `npm run demo`: both routes end to end against the local stack, as a web client
 * and HeyGen would drive them. Uses the stack `npm start` runs when it is up, else
 * starts it (and stops it at the end). Prints each step with its time; exits non-zero
 * when a step fails.
 *
 * Talking video: a user on the Auth emulator records consent to the current policy
 * through `POST /api/me/consent` (the server records it; the rules forbid client
 * writes), uploads a photo and a WebM voice recording, creates a project (Firestore
 * client SDK, so the security rules apply) and calls `generate`; the video completes through HeyGen's signed webhook
 * push; a second video completes through the poller (webhook deliveries paused);
 * the archived MP4 is downloaded through `video_status`. A third video is made from
 * text: a voice picked from the filtered listing speaks a typed script (no recording).
 * Photoreal avatar: a selfie is posted to /avatar/jobs, the onCreate trigger submits
 * it, the job sweep follows it to `done`, the GLB is downloaded through its signed
 * URL and its blendshapes normalised; preferences are saved and read back.
 *
 * The scheduled functions do not fire in the emulator: like `npm start`, the demo runs
 * the poller and the job sweep from this process, against the same emulators.
 */
import type { ChildProcess } from "node:child_process";
import {
  closeSync,
  createWriteStream,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  statSync,
  writeFileSync,
} from "node:fs";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { randomUUID } from "node:crypto";
import { initializeApp, deleteApp, type FirebaseApp } from "firebase/app";
import {
  connectAuthEmulator,
  createUserWithEmailAndPassword,
  getAuth,
  signInWithEmailAndPassword,
} from "firebase/auth";
import { connectFirestoreEmulator, doc, getDoc, getFirestore, terminate } from "firebase/firestore";
import { CACHE_DIR } from "../harness/paths";
import { ensureDevSigner } from "../dev-signer";
import { PORTS, localUrl } from "../ports";
import { photoJpeg, voiceWebm } from "../fixtures/media";
import { until } from "../wait";
import { acceptedDelivery, type DeliveryRecord } from "../heygen-sim/delivery-log";
import {
  EMULATORS,
  LOCAL_PROJECT_ID,
  ensureLocalConfig,
  functionUrl,
  useStackFromThisProcess,
} from "../local-stack/config";
import { divertStructuredLogs, stackIsUp, startStack, stopStack } from "../local-stack/child";

const OUT_DIR = path.join(CACHE_DIR, "demo");
const STACK_LOG = path.join(OUT_DIR, "stack.log");
const FUNCTION_LOG = path.join(OUT_DIR, "scheduled-work.log");

class StepFailure extends Error {}

let stepNo = 0;
async function step<T>(
  title: string,
  run: () => Promise<T>,
  detail?: (result: T) => string,
): Promise<T> {
  stepNo++;
  const started = Date.now();
  process.stdout.write(`${String(stepNo).padStart(2)}. ${title} … `);
  try {
    const result = await run();
    const ms = Date.now() - started;
    console.log(`ok  ${(ms / 1000).toFixed(1)} s${detail ? `\n      ${detail(result)}` : ""}`);
    return result;
  } catch (err) {
    console.log(`FAILED after ${((Date.now() - started) / 1000).toFixed(1)} s`);
    throw new StepFailure(`step ${stepNo} (${title}): ${(err as Error).message}`);
  }
}

/** Calls a function's HTTP API as the web client does (ID token, JSON). */
async function api<T = Record<string, unknown>>(
  token: string,
  fn: string,
  suffix: string,
  init: { method?: string; body?: unknown; form?: FormData } = {},
): Promise<T> {
  const res = await fetch(functionUrl(fn, suffix), {
    method: init.method ?? (init.body || init.form ? "POST" : "GET"),
    headers: {
      Authorization: `Bearer ${token}`,
      ...(init.body ? { "Content-Type": "application/json" } : {}),
    },
    body: init.form ?? (init.body ? JSON.stringify(init.body) : undefined),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${fn}${suffix} answered ${res.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text) as T;
}

async function main(): Promise<number> {
  const { params, secrets } = ensureLocalConfig();
  const heygenSim = params.HEYGEN_API_BASE_URL;
  const providerSim = params.PROVIDER_API_BASE_URL;
  const simulated = (url: string | undefined, ports: number[]) =>
    ports.some((p) => url?.startsWith(localUrl(p)));
  if (
    !simulated(heygenSim, [PORTS.heygenApi]) ||
    !simulated(providerSim, [PORTS.avatarSdk, PORTS.in3d, PORTS.didimo])
  ) {
    console.error(
      "The demo runs against the simulators, but functions/.env.local points HEYGEN_API_BASE_URL or\n" +
        "PROVIDER_API_BASE_URL at a real API (it would spend credits). Move functions/.env.local and\n" +
        ".secret.local aside (the next `npm start` writes simulator ones) and run the demo again.",
    );
    return 2;
  }

  console.log(`Masky demo (project ${LOCAL_PROJECT_ID}, provider ${params.PROVIDER})\n`);
  const started = Date.now();
  let child: ChildProcess | null = null;
  let clientApp: FirebaseApp | null = null;
  try {
    const reuse = await stackIsUp();
    if (reuse) {
      await step(
        "local stack",
        async () => undefined,
        () => "already running (npm start): used as is",
      );
    } else {
      child = await step(
        "local stack: build is done, starting emulators + simulators (npm start)",
        () => startStack(STACK_LOG),
        () => `started; its log: ${path.relative(process.cwd(), STACK_LOG)}`,
      );
    }
    divertStructuredLogs(FUNCTION_LOG);
    const signer = ensureDevSigner(CACHE_DIR, LOCAL_PROJECT_ID);
    useStackFromThisProcess(params, secrets, signer.credentialsFile);
    const [{ getAppContext }, { pollHeygenVideos }, { advanceAvatarJobs }, storage] =
      await Promise.all([
        import("../../src/context"),
        import("../../src/services/heygen/poll-videos"),
        import("../../src/services/avatar/advance-jobs"),
        import("../../src/clients/storage/bucket"),
      ]);
    const { inspectGlb } = await import("../../src/services/avatar/glb");
    const { buildBlendshapeMap } = await import("../../src/services/avatar/blendshapes");
    const ctx = getAppContext();
    const bucket = storage.getBucket(ctx.config.storageBucket);

    // ---- the web client: sign-up, consent, uploads, project ----
    clientApp = initializeApp(
      { projectId: LOCAL_PROJECT_ID, apiKey: "demo-api-key", authDomain: "localhost" },
      `demo-${randomUUID()}`,
    );
    const auth = getAuth(clientApp);
    connectAuthEmulator(auth, `http://${EMULATORS.auth}`, { disableWarnings: true });
    const firestore = getFirestore(clientApp);
    const [fsHost, fsPort] = EMULATORS.firestore.split(":");
    connectFirestoreEmulator(firestore, fsHost, Number(fsPort));

    const user = await step(
      "sign up a user on the Auth emulator",
      async () => {
        const email = `demo-${randomUUID().slice(0, 8)}@masky.test`;
        await createUserWithEmailAndPassword(auth, email, "demo-password-123");
        // The sign-up's own token can predate the account's validSince by a second on the
        // Auth emulator (test/helpers/auth.ts says why): sign in for the token we use.
        const cred = await signInWithEmailAndPassword(auth, email, "demo-password-123");
        return { uid: cred.user.uid, email, token: await cred.user.getIdToken() };
      },
      (u) => `${u.email} (uid ${u.uid})`,
    );
    await step(
      "record consent on the server (GET /api/me for the policy, POST /api/me/consent)",
      async () => {
        const account = await api<{ policyVersion: string; minimumAge: number }>(
          user.token,
          "me",
          "/api/me",
        );
        const purposes = ["heygen_face", "heygen_voice", "avatar_3d"];
        const { consent } = await api<{ consent: Record<string, { granted: boolean }> }>(
          user.token,
          "me",
          "/api/me/consent",
          { body: { policyVersion: account.policyVersion, ageConfirmed: true, purposes } },
        );
        const missing = purposes.filter((p) => !consent[p]?.granted);
        if (missing.length > 0) throw new Error(`consent not granted for ${missing.join(", ")}`);
        return { ...account, purposes };
      },
      (a) => `policy ${a.policyVersion}, age ≥ ${a.minimumAge}: ${a.purposes.join(", ")}`,
    );
    const upload = async (local: string, object: string, contentType: string) => {
      await bucket.upload(local, { destination: object, contentType, resumable: false });
      return `gs://${ctx.config.storageBucket}/${object}`;
    };
    let uploadCount = 0;
    // A completed video's photo and recording are deleted (retention), so every project
    // gets uploads of its own, as the web client does.
    const uploadInputs = async () => {
      const stamp = `${Date.now()}-${++uploadCount}`;
      return {
        photo: await upload(
          await photoJpeg(),
          `users/${user.uid}/photos/${stamp}.jpg`,
          "image/jpeg",
        ),
        voice: await upload(
          await voiceWebm(3),
          `users/${user.uid}/voice/${stamp}.webm`,
          "audio/webm",
        ),
      };
    };
    const uploads = await step(
      "upload a photo (JPEG) and a voice recording (WebM/Opus) to Storage",
      uploadInputs,
      (u) => `${u.photo}\n      ${u.voice}`,
    );
    const createProject = async (name: string, files?: { photo: string; voice: string }) => {
      const { photo, voice } = files ?? (await uploadInputs());
      // The server creates projects (within the per-user cap); the rules refuse a client's.
      const created = await api<{ projectId: string }>(user.token, "projects", "/api/projects", {
        body: { name, voiceUrl: voice, avatarUrl: photo },
      });
      return created.projectId;
    };
    const projectId = await step(
      "create a project (POST /api/projects)",
      () => createProject("Demo talking video", uploads),
      (id) => `projects/${id}`,
    );

    // ---- talking video: webhook ----
    const heygenControl = (p: string, body?: unknown) =>
      fetch(`${heygenSim}/_sim/${p}`, {
        method: body ? "POST" : "GET",
        headers: { "Content-Type": "application/json" },
        body: body ? JSON.stringify(body) : undefined,
      }).then((r) => r.json() as Promise<Record<string, unknown>>);
    const generated = await step(
      "POST /api/heygen/generate (photo look, WebM → MP3, HeyGen video)",
      () =>
        api<{ videoId: string; fallbackAvatarUsed: boolean }>(
          user.token,
          "generate",
          "/api/heygen/generate",
          { body: { projectId } },
        ),
      (g) =>
        `HeyGen video ${g.videoId} (${g.fallbackAvatarUsed ? "fallback avatar" : "the user's own photo look"})`,
    );
    const projectData = async (id: string) =>
      (await getDoc(doc(firestore, "projects", id))).data() as Record<string, unknown>;
    await step(
      "follow the video to completed through HeyGen's signed webhook",
      async () => {
        await until("waiting for the webhook to complete the video", 90000, async () =>
          (await projectData(projectId)).heygenStatus === "completed" ? true : null,
        );
        // The function completes the project before it answers HeyGen; the simulator
        // records the delivery once that answer is back.
        const mine = await acceptedDelivery(
          async () =>
            ((await heygenControl("webhook-deliveries")) as { deliveries: DeliveryRecord[] })
              .deliveries,
          generated.videoId,
          "avatar_video.success",
        );
        return mine.length;
      },
      (n) => `avatar_video.success delivered and accepted (${n} delivery)`,
    );

    // ---- talking video: poller ----
    const second = await step(
      "second video with webhook deliveries paused",
      async () => {
        await heygenControl("webhook-deliveries", { paused: true });
        const id = await createProject("Demo video for the poller");
        const g = await api<{ videoId: string }>(user.token, "generate", "/api/heygen/generate", {
          body: { projectId: id },
        });
        return { projectId: id, videoId: g.videoId };
      },
      (s) => `projects/${s.projectId}, HeyGen video ${s.videoId}`,
    );
    try {
      await step(
        "follow it to completed with the poller (poll_heygen_videos)",
        async () => {
          let runs = 0;
          await until(
            "waiting for the poller to complete the video",
            90000,
            async () => {
              runs++;
              await pollHeygenVideos(ctx, { budgetMs: 20000 });
              return (await projectData(second.projectId)).heygenStatus === "completed"
                ? true
                : null;
            },
            1000,
          );
          return runs;
        },
        (runs) => `completed after ${runs} poller run(s)`,
      );
    } finally {
      await heygenControl("webhook-deliveries", { paused: false });
    }

    await step(
      "download the archived MP4 through video_status",
      async () => {
        const status = await until("waiting for the archived copy", 90000, async () => {
          const s = await api<{ status: string; archivedVideoUrl?: string | null }>(
            user.token,
            "video_status",
            `/api/heygen/video_status.get?video_id=${generated.videoId}`,
          );
          return s.archivedVideoUrl ? s : null;
        });
        const res = await fetch(status.archivedVideoUrl as string);
        if (!res.ok || !res.body) throw new Error(`signed URL answered ${res.status}`);
        mkdirSync(OUT_DIR, { recursive: true });
        const file = path.join(OUT_DIR, "talking-video.mp4");
        await pipeline(res.body, createWriteStream(file));
        const head = Buffer.alloc(8);
        const fd = openSync(file, "r");
        readSync(fd, head, 0, 8, 0);
        closeSync(fd);
        if (head.subarray(4, 8).toString("latin1") !== "ftyp")
          throw new Error("the download is not an MP4");
        return { file, bytes: statSync(file).size };
      },
      (m) => `${m.bytes} bytes → ${path.relative(process.cwd(), m.file)}`,
    );

    // ---- talking video from text: a script and a HeyGen voice, no recording ----
    const voice = await step(
      "GET /api/heygen/voices?language=English&gender=female (cached listing)",
      async () => {
        const { voices } = await api<{
          voices: { id: string; name: string; previewAudioUrl: string | null }[];
        }>(user.token, "voices", "/api/heygen/voices?language=English&gender=female");
        if (voices.length === 0) throw new Error("no English female voice listed");
        return voices[0];
      },
      (v) => `${v.id} (${v.name}), preview ${v.previewAudioUrl ?? "none"}`,
    );
    const script =
      "Hi! I typed this sentence and picked a voice; my avatar speaks it without a recording.";
    const textVideo = await step(
      "POST /api/heygen/generate with a script and a HeyGen voice (no audio upload)",
      async () => {
        const { projectId: id } = await api<{ projectId: string }>(
          user.token,
          "projects",
          "/api/projects",
          { body: { name: "Demo video from text", avatarUrl: (await uploadInputs()).photo } },
        );
        const g = await api<{ videoId: string; voice: { voiceId: string; speed: number } }>(
          user.token,
          "generate",
          "/api/heygen/generate",
          { body: { projectId: id, script, voiceId: voice.id, voiceSettings: { speed: 1.1 } } },
        );
        return { projectId: id, ...g };
      },
      (t) => `HeyGen video ${t.videoId}, voice ${t.voice.voiceId} at speed ${t.voice.speed}`,
    );
    await step(
      "follow the text video to completed through HeyGen's signed webhook",
      async () => {
        await until("waiting for the webhook to complete the text video", 90000, async () =>
          (await projectData(textVideo.projectId)).heygenStatus === "completed" ? true : null,
        );
        const p = await projectData(textVideo.projectId);
        const kept = p.voice as { source?: string; scriptSha256?: string } | undefined;
        // The script waits in captions.script until its captions are written; nowhere else.
        const elsewhere = Object.entries(p).filter(([field]) => field !== "captions");
        if (
          kept?.source !== "tts" ||
          !kept.scriptSha256 ||
          JSON.stringify(elsewhere).includes(script)
        )
          throw new Error(`the project should keep the voice source and a hash, not the script`);
        return p.durationSeconds as number;
      },
      (d) =>
        `${d.toFixed(1)} s of speech for ${script.length} characters; the script is stored only as its sha256`,
    );

    // ---- photoreal avatar ----
    const jobId = await step(
      "POST /avatar/jobs with a selfie (multipart)",
      async () => {
        const form = new FormData();
        form.append(
          "file",
          new Blob([readFileSync(await photoJpeg(1))], { type: "image/jpeg" }),
          "selfie.jpg",
        );
        form.append(
          "options",
          JSON.stringify({ output: "glb", blendshapes: "arkit", realism: "high" }),
        );
        const res = await api<{ jobId: string }>(user.token, "avatar_jobs", "/avatar/jobs", {
          form,
        });
        return res.jobId;
      },
      (id) => `job ${id} queued`,
    );
    const assetId = await step(
      `follow the job to done (${params.PROVIDER}; trigger + advance_avatar_jobs)`,
      async () => {
        const seen: string[] = [];
        let scanned = false;
        const done = await until(
          "waiting for the avatar job",
          120000,
          async () => {
            const job = await api<{
              status: string;
              progress: number;
              assetId?: string;
              error?: string;
              action?: { url: string };
            }>(user.token, "avatar_jobs", `/avatar/jobs/${jobId}`);
            const line = `${job.status} ${Math.round(job.progress * 100)}%`;
            if (seen.at(-1) !== line) seen.push(line);
            if (job.status === "error") throw new Error(`the job failed: ${job.error}`);
            if (job.status === "done") return job.assetId ?? null;
            if (job.action && !scanned && params.PROVIDER === "in3d") {
              // The user would scan on in3D's page; the simulator takes that role.
              const scanId = new URL(job.action.url).searchParams.get("scan_id");
              await fetch(`${providerSim}/_sim/scans/${scanId}/capture`, { method: "POST" });
              scanned = true;
            }
            if (job.status === "processing") await advanceAvatarJobs(ctx, { budgetMs: 20000 });
            return null;
          },
          1000,
        );
        return { assetId: done, seen };
      },
      (r) => `${r.seen.join(" → ")}; asset ${r.assetId}`,
    );
    await step(
      "download the GLB through its signed URL and normalise its blendshapes",
      async () => {
        const asset = await api<{
          url: string;
          expiresIn: number;
          blendshapeMap: {
            arkit: Record<string, string>;
            visemes: Record<string, string>;
            missing: { arkit: string[] };
          };
        }>(user.token, "avatar_assets", `/avatar/assets/${assetId.assetId}`);
        const res = await fetch(asset.url);
        if (!res.ok) throw new Error(`signed URL answered ${res.status}`);
        const bytes = new Uint8Array(await res.arrayBuffer());
        const file = path.join(OUT_DIR, "avatar.glb");
        writeFileSync(file, bytes);
        const inspection = await inspectGlb(bytes);
        const fromMorphs = buildBlendshapeMap(inspection.targetNames);
        const arkit = Object.keys(asset.blendshapeMap.arkit);
        if (!arkit.includes("jawOpen")) throw new Error("no jawOpen in the asset's map");
        return {
          file,
          bytes: bytes.length,
          expiresIn: asset.expiresIn,
          morphs: inspection.targetNames.length,
          arkit,
          fromMorphs: Object.keys(fromMorphs.arkit).length,
          visemes: Object.keys(asset.blendshapeMap.visemes),
          missing: asset.blendshapeMap.missing.arkit,
        };
      },
      (g) =>
        `${g.bytes} bytes → ${path.relative(process.cwd(), g.file)} (URL valid ${g.expiresIn} s)\n` +
        `      ${g.morphs} morph targets; ${g.arkit.length}/52 ARKit mapped ` +
        `(${g.fromMorphs} from morph targets${g.fromMorphs < g.arkit.length ? ", the rest from skeletal poses" : ""}), ` +
        `missing: ${g.missing.join(", ") || "none"}\n` +
        `      ARKit: ${g.arkit.slice(0, 8).join(", ")}, …\n` +
        `      visemes: ${g.visemes.join(", ") || "none in this model (the viseme groups use ARKit weights)"}`,
    );
    await step(
      "save preferences for the avatar and read them back",
      async () => {
        const prefs = {
          assetId: assetId.assetId,
          appearance: { hairColor: "#3b2a1a", glasses: false },
          voice: { pitch: 0.1, speed: -0.05, language: "en-US" },
          persona: { name: "Demo", traits: { warmth: 0.7, humor: 0.5 } },
        };
        await api(user.token, "avatar_preferences", "/avatar/preferences", { body: prefs });
        const back = await api<{ voice: unknown }>(
          user.token,
          "avatar_preferences",
          `/avatar/preferences?assetId=${assetId.assetId}`,
        );
        if (JSON.stringify(back.voice) !== JSON.stringify(prefs.voice))
          throw new Error(`read back ${JSON.stringify(back)}`);
      },
      () => "POST /avatar/preferences → {ok:true}; GET returns them",
    );
    console.log(
      `\nDemo finished: every step passed in ${((Date.now() - started) / 1000).toFixed(1)} s.`,
    );
    return 0;
  } catch (err) {
    console.error(`\nDemo failed: ${(err as Error).message}`);
    if (child) {
      const tail = readFileSync(STACK_LOG, "utf8").split("\n").slice(-40).join("\n");
      console.error(`The stack's log (${STACK_LOG}), last lines:\n${tail}`);
    }
    console.error(`The poller's and job sweep's log: ${FUNCTION_LOG}`);
    return 1;
  } finally {
    if (clientApp) {
      await terminate(getFirestore(clientApp)).catch(() => undefined);
      await deleteApp(clientApp).catch(() => undefined);
    }
    if (child) {
      process.stdout.write("Stopping the stack the demo started … ");
      await stopStack(child);
      console.log("stopped.");
    }
  }
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    console.error(err);
    process.exit(1);
  },
);

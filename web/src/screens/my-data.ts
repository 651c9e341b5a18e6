/**
 * My data: the user's projects (status, playback, delete) and 3D avatar jobs (status),
 * the export of everything as a JSON download, and the deletion of the account.
 */
import type { ScreenContext } from "../main";
import { deleteProject } from "../api";
import { firestore } from "../firebase";
import { errorBox, h, mount, showError } from "../ui/dom";
import { dataRights } from "../ui/data-rights";
import { downloadUrl } from "../ui/uploads";
import { STEPS, stepOf, type ProjectDoc } from "../ui/project-status";

const label = (p: ProjectDoc) => {
  const step = stepOf(p);
  return step === "failed"
    ? `Failed: ${p.error?.message ?? "unknown error"}`
    : (STEPS.find((s) => s.id === step)?.label ?? step);
};

export default async function myData(ctx: ScreenContext): Promise<() => void> {
  const { db, fs } = await firestore();
  const projects = h("ul", { class: "cards", id: "projects" });
  const avatars = h("ul", { class: "cards", id: "avatars" });
  const error = errorBox();
  mount(
    "My data",
    error,
    h("section", { "aria-labelledby": "p-h" }, h("h2", { id: "p-h" }, "Talking videos"), projects),
    h("section", { "aria-labelledby": "a-h" }, h("h2", { id: "a-h" }, "3D avatars"), avatars),
    h("section", { "aria-labelledby": "r-h" }, h("h2", { id: "r-h" }, "Your data and your account"), dataRights(ctx)),
  );
  const uid = ctx.user.uid;
  const stopProjects = fs.onSnapshot(
    // At most PROJECTS_PER_USER_MAX projects exist per user; the listing asks for no more.
    fs.query(fs.collection(db, "projects"), fs.where("userId", "==", uid), fs.limit(100)),
    (snap) => {
      const items = snap.docs.map((d) => {
        const p = d.data() as ProjectDoc;
        const play = h("button", { type: "button", class: "secondary" }, "Play");
        const del = h("button", { type: "button", class: "danger" }, "Delete");
        const name = p.name || "Untitled";
        play.setAttribute("aria-label", `Play ${name}`);
        del.setAttribute("aria-label", `Delete ${name}`);
        play.disabled = stepOf(p) !== "done";
        const li = h(
          "li",
          { "data-project": d.id },
          h("h3", {}, name),
          h("p", { class: "status" }, label(p)),
          h("div", { class: "row" }, play, del),
        );
        play.addEventListener("click", async () => {
          const src = p.archivedVideoPath ? await downloadUrl(p.archivedVideoPath) : p.videoUrl;
          if (!src) return;
          const v = h("video", { controls: true, playsinline: true, src, "aria-label": name });
          play.replaceWith(v);
          void v.play().catch(() => undefined);
        });
        del.addEventListener("click", () => {
          if (!confirm(`Delete “${name}”? This cannot be undone.`)) return;
          deleteProject(d.id).catch((e: Error) => showError(error, e.message));
        });
        return li;
      });
      projects.replaceChildren(...(items.length ? items : [h("li", { class: "muted" }, "No videos yet.")]));
    },
    (e) => showError(error, e.message),
  );
  const stopAvatars = fs.onSnapshot(
    fs.query(fs.collection(db, "avatar_jobs"), fs.where("user_id", "==", uid)),
    (snap) => {
      const items = snap.docs.map((d) => {
        const j = d.data() as { status?: string; progress?: number; error?: { message?: string } | string };
        const pct = Math.round((j.progress ?? 0) * 100);
        const err = typeof j.error === "string" ? j.error : j.error?.message;
        return h("li", {}, h("h3", {}, `Avatar ${d.id.slice(0, 6)}`), h("p", { class: "status" }, err ? `Failed: ${err}` : `${j.status ?? "queued"} (${pct}%)`));
      });
      avatars.replaceChildren(...(items.length ? items : [h("li", { class: "muted" }, "No 3D avatars yet.")]));
    },
    (e) => showError(error, e.message),
  );
  return () => {
    stopProjects();
    stopAvatars();
  };
}

/**
 * Export (a JSON file of everything the server holds about the user, with signed links
 * to their media) and account deletion (after a confirmation: every project, recording,
 * selfie, 3D model and the copies at HeyGen and the 3D provider, then the sign-in
 * itself; the page then signs out).
 */
import { signOut } from "firebase/auth";
import type { ScreenContext } from "../main";
import { deleteMyAccount, exportMyData } from "../api";
import { firebase } from "../firebase";
import { announce, errorBox, h, showError } from "./dom";

export function dataRights(ctx: ScreenContext): HTMLElement {
  const error = errorBox();
  const status = h("p", { class: "muted", "aria-live": "polite" });
  const exportBtn = h("button", { type: "button", class: "secondary" }, "Download my data (JSON)");
  const deleteBtn = h("button", { type: "button", class: "danger" }, "Delete my account");

  exportBtn.addEventListener("click", async () => {
    exportBtn.disabled = true;
    showError(error, null);
    status.textContent = "Preparing your data…";
    try {
      const data = await exportMyData();
      const url = URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: "application/json" }));
      const a = h("a", { href: url, download: "masky-export.json", hidden: true });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60000);
      status.textContent = "Your data was downloaded as masky-export.json. Its media links work for one hour.";
    } catch (err) {
      status.textContent = "";
      showError(error, `The export failed: ${(err as Error).message}`);
    } finally {
      exportBtn.disabled = false;
    }
  });

  deleteBtn.addEventListener("click", async () => {
    if (!confirm("Delete your account and all your data, here and at HeyGen and the 3D provider? This cannot be undone.")) return;
    deleteBtn.disabled = exportBtn.disabled = true;
    showError(error, null);
    status.textContent = "Deleting your account…";
    try {
      await deleteMyAccount();
      announce("Your account and your data are deleted.");
      const { auth } = await firebase();
      await signOut(auth);
      ctx.navigate("/signin");
    } catch (err) {
      status.textContent = "";
      showError(error, `Your account was not deleted: ${(err as Error).message}`);
      deleteBtn.disabled = exportBtn.disabled = false;
    }
  });

  return h(
    "div",
    {},
    h("p", {}, "Download a copy of everything Masky holds about you, or delete your account with all of it."),
    h("div", { class: "row" }, exportBtn, deleteBtn),
    error,
    status,
  );
}

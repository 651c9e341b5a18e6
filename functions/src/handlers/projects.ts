/** `delete_project` (api/operations.ts): the owner deletes a project and its media. */
import { z } from "zod";
import { defineOperation } from "../api/operation";
import { deleteProjectResponse } from "./heygen-schemas";

export const deleteProject = defineOperation({
  input: z.object({ projectId: z.string().min(1).max(200) }).strict(),
  responses: [{ status: 200, description: "What was removed", schema: deleteProjectResponse }],
  doc: { errors: [400, 401, 404] },
  run: async ({ app }, user, input) => {
    const { deleteProject: remove } = await import("../services/heygen/delete-project-media");
    return remove(app, user.uid, input.projectId);
  },
});

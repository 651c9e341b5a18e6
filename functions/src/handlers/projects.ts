/** `DELETE /api/projects/:projectId`: the owner deletes a project and its media. */
import { route } from "../http/router";
import { deleteProjectResponse } from "./heygen-schemas";

export const projectsRoutes = [
  route({
    method: "DELETE",
    path: "/:projectId",
    response: { status: 200, description: "What was removed", schema: deleteProjectResponse },
    doc: {
      summary:
        "Delete the caller's project with its archived MP4 and its video at HeyGen (v3; v2 reported not deletable)",
      errors: [401, 404],
    },
    handle: async ({ app, user, params }) => {
      const { deleteProject } = await import("../services/heygen/delete-project-media");
      return { body: await deleteProject(app, user.uid, params.projectId) };
    },
  }),
];

/** `DELETE /api/projects/:projectId`: the owner deletes a project and its media. */
import { route } from "../http/router";

export const projectsRoutes = [
  route({
    method: "DELETE",
    path: "/:projectId",
    handle: async ({ app, user, params }) => {
      const { deleteProject } = await import("../services/heygen/delete-project-media");
      return { body: await deleteProject(app, user.uid, params.projectId) };
    },
  }),
];

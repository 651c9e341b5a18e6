/**
 * `create_project`: the caller's new project (name, and the voice and photo it uses),
 * refused with 429 QUOTA_EXCEEDED once the user has PROJECTS_PER_USER_MAX projects.
 */
import type { AppContext } from "../../context";
import { ApiError } from "../../errors";
import { createProjectWithinCap, type NewProject } from "../../store/project-create";

export async function createProject(
  app: AppContext,
  uid: string,
  fields: NewProject,
): Promise<{ projectId: string }> {
  const cap = app.config.quotas.projectsPerUser;
  const outcome = await createProjectWithinCap(app.db, uid, fields, cap);
  if (!outcome.created) {
    throw new ApiError(
      "QUOTA_EXCEEDED",
      `You have ${outcome.has} projects, the most one account may keep (${cap}); delete one to create another.`,
      { details: { scope: "projects", limit: cap } },
    );
  }
  return { projectId: outcome.projectId };
}

/**
 * `create_project` and `delete_project` (api/operations.ts): the owner creates a project
 * (within the per-user cap) and deletes one with its media.
 */
import { z } from "zod";
import { defineOperation } from "../api/operation";
import { deleteProjectResponse } from "./heygen-schemas";

/** The fields a client gives a new project (the bounds the rules used to check). */
const newProjectBody = z
  .object({
    name: z.string().trim().min(1).max(200),
    voiceUrl: z.string().min(1).max(2048).optional(),
    avatarUrl: z.string().min(1).max(2048).optional(),
  })
  .strict();

export const createProject = defineOperation({
  input: newProjectBody,
  responses: [
    {
      status: 200,
      description: "The new project's id",
      schema: z.object({ projectId: z.string() }),
    },
  ],
  doc: { errors: [400, 401, 429] },
  run: async ({ app }, user, input) => {
    const { createProject: create } = await import("../services/projects/create-project");
    return create(app, user.uid, input);
  },
});

export const deleteProject = defineOperation({
  input: z.object({ projectId: z.string().min(1).max(200) }).strict(),
  responses: [{ status: 200, description: "What was removed", schema: deleteProjectResponse }],
  doc: { errors: [400, 401, 404] },
  run: async ({ app }, user, input) => {
    const { deleteProject: remove } = await import("../services/heygen/delete-project-media");
    return remove(app, user.uid, input.projectId);
  },
});

/**
 * Per-user reads a page at a time: a user's collection has no bound the reader
 * controls (a client may have made many documents), so no flow reads one with a
 * single unbounded query. Pages are ordered by document id and continue after the
 * last document read, so a page of documents deleted meanwhile does not skip any.
 */
import { FieldPath, type Query, type QueryDocumentSnapshot } from "firebase-admin/firestore";

/** Documents per page of a per-user read. */
export const USER_READ_PAGE_SIZE = 100;

/** One page after `after` (null: the first), ordered by document id. */
export async function readPage<T>(
  q: Query<T>,
  after: QueryDocumentSnapshot<T> | null,
  pageSize = USER_READ_PAGE_SIZE,
): Promise<QueryDocumentSnapshot<T>[]> {
  const ordered = q.orderBy(FieldPath.documentId());
  const snap = await (after ? ordered.startAfter(after) : ordered).limit(pageSize).get();
  return snap.docs;
}

/** Every document of the query, read page by page. */
export async function readAllPages<T>(
  q: Query<T>,
  pageSize = USER_READ_PAGE_SIZE,
): Promise<{ docs: QueryDocumentSnapshot<T>[] }> {
  const docs: QueryDocumentSnapshot<T>[] = [];
  let after: QueryDocumentSnapshot<T> | null = null;
  for (;;) {
    const page: QueryDocumentSnapshot<T>[] = await readPage(q, after, pageSize);
    docs.push(...page);
    if (page.length < pageSize) return { docs };
    after = page[page.length - 1];
  }
}

/** Deletes every document of the query, a page at a time; returns the deleted paths. */
export async function deleteAllPages<T>(
  q: Query<T>,
  pageSize = USER_READ_PAGE_SIZE,
): Promise<string[]> {
  const deleted: string[] = [];
  for (;;) {
    const page = await readPage(q, null, pageSize);
    for (const doc of page) {
      await doc.ref.delete();
      deleted.push(doc.ref.path);
    }
    if (page.length < pageSize) return deleted;
  }
}

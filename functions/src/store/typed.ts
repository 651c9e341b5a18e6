/**
 * Typed collections: a Firestore converter from a collection's zod schema, so every
 * document read through store/ is parsed (defaults filled in, types checked) before any
 * code sees it. Writes are built by the store's own functions from typed inputs and go
 * out as they are.
 */
import type {
  DocumentData,
  FirestoreDataConverter,
  QueryDocumentSnapshot,
  QuerySnapshot,
} from "firebase-admin/firestore";
import type { z } from "zod";
import { log } from "../logs";

/** A stored document its collection's schema refuses. */
export class MalformedDocument extends Error {
  constructor(
    readonly path: string,
    readonly issues: string,
  ) {
    super(`${path} does not match its schema: ${issues}`);
    this.name = "MalformedDocument";
  }
}

export function zodConverter<S extends z.ZodType<DocumentData>>(
  schema: S,
): FirestoreDataConverter<z.output<S>> {
  return {
    toFirestore: (model) => model as DocumentData,
    fromFirestore(snap: QueryDocumentSnapshot): z.output<S> {
      const parsed = schema.safeParse(snap.data());
      if (!parsed.success) {
        const issues = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
        throw new MalformedDocument(snap.ref.path, issues.join("; "));
      }
      return parsed.data;
    },
  };
}

/** The documents of a query page that parse, with their snapshots; malformed ones are logged and left out. */
export function parsedDocs<T>(
  snap: Pick<QuerySnapshot<T>, "docs">,
): { doc: QueryDocumentSnapshot<T>; data: T }[] {
  const out: { doc: QueryDocumentSnapshot<T>; data: T }[] = [];
  for (const doc of snap.docs) {
    try {
      out.push({ doc, data: doc.data() });
    } catch (err) {
      if (!(err instanceof MalformedDocument)) throw err;
      log.warn("a document does not match its schema; left out", { path: err.path });
    }
  }
  return out;
}

/**
 * Checks the repository's Markdown pages (README.md and docs/*.md): the README stays
 * short enough to read, and every relative link, in Markdown or in an HTML `src`/`href`,
 * reaches a file that exists and, when it names one, a heading of that page
 * (test/unit/docs-check.test.ts runs it in the unit tier).
 *
 *   npx tsx devtools/docs-check.ts    prints what is wrong, exits 1 if anything is
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { REPO_ROOT } from "./repo-root";

export const README_FILE = path.join(REPO_ROOT, "README.md");
export const README_MAX_LINES = 300;

/** README.md, then every page of `docsDir`, as absolute paths. */
export function markdownPages(root = REPO_ROOT): string[] {
  const docsDir = path.join(root, "docs");
  const docs = existsSync(docsDir)
    ? readdirSync(docsDir)
        .filter((f) => f.endsWith(".md"))
        .sort()
        .map((f) => path.join(docsDir, f))
    : [];
  return [path.join(root, "README.md"), ...docs];
}

/** Lines of a file as `wc -l` counts them (a final newline ends the last line). */
export function lineCount(text: string): number {
  if (text === "") return 0;
  return text.split("\n").length - (text.endsWith("\n") ? 1 : 0);
}

/** The text without fenced code blocks and inline code spans (their brackets are not links). */
export function withoutCode(markdown: string): string {
  return markdown
    .replace(/^(`{3,}|~{3,})[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, "")
    .replace(/`[^`\n]*`/g, "");
}

/** The anchor GitHub gives a heading: lower case, punctuation dropped, spaces → `-`. */
export function headingSlug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, "")
    .replace(/\s/g, "-");
}

/** Every heading anchor of a page, duplicates numbered as GitHub numbers them (`-1`, `-2`). */
export function headingAnchors(markdown: string): Set<string> {
  const noFences = markdown.replace(/^(`{3,}|~{3,})[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, "");
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  for (const m of noFences.matchAll(/^#{1,6}[ \t]+(.+?)[ \t#]*$/gm)) {
    const text = m[1].replace(/\[([^\]]*)\]\([^)]*\)/g, "$1");
    const base = headingSlug(text);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
  }
  return anchors;
}

/** The targets of a page's links and images outside code: `[t](x)`, `![a](x)`, `src="x"`, `href="x"`. */
export function linkTargets(markdown: string): string[] {
  const text = withoutCode(markdown);
  const md = [...text.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1]);
  const html = [...text.matchAll(/\b(?:src|href)\s*=\s*"([^"]+)"/g)].map((m) => m[1]);
  return [...md, ...html];
}

const EXTERNAL = /^[a-z][a-z0-9+.-]*:/i;

/** "page: target (why)" for every relative link of `file` that leads nowhere. */
export function brokenLinks(file: string, root = REPO_ROOT): string[] {
  const markdown = readFileSync(file, "utf8");
  const out: string[] = [];
  const page = path.relative(root, file);
  for (const target of linkTargets(markdown)) {
    if (EXTERNAL.test(target)) continue;
    const [rawPath, anchor] = target.split("#", 2) as [string, string | undefined];
    const filePart = decodeURIComponent(rawPath.split("?")[0]);
    const resolved = filePart === "" ? file : path.resolve(path.dirname(file), filePart);
    if (!existsSync(resolved)) {
      out.push(`${page}: ${target} (no such file)`);
      continue;
    }
    if (anchor && resolved.endsWith(".md")) {
      const anchors = headingAnchors(readFileSync(resolved, "utf8"));
      if (!anchors.has(anchor.toLowerCase()))
        out.push(`${page}: ${target} (no heading #${anchor} in ${path.relative(root, resolved)})`);
    }
  }
  return out;
}

/** Everything wrong with the pages under `root`: the README's length, then broken links. */
export function docsProblems(root = REPO_ROOT): string[] {
  const readme = path.join(root, "README.md");
  const lines = lineCount(readFileSync(readme, "utf8"));
  const tooLong =
    lines > README_MAX_LINES ? [`README.md: ${lines} lines (at most ${README_MAX_LINES})`] : [];
  return [...tooLong, ...markdownPages(root).flatMap((f) => brokenLinks(f, root))];
}

if (require.main === module) {
  const problems = docsProblems();
  for (const p of problems) console.error(p);
  if (problems.length > 0) process.exit(1);
  console.log("README.md and docs/: length and links are fine.");
}

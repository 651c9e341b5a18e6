/**
 * README.md stays at most 300 lines, and no relative link in README.md or docs/*.md
 * points to a missing file or to a heading its page does not have.
 */
import { expect } from "chai";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  README_FILE,
  README_MAX_LINES,
  brokenLinks,
  docsProblems,
  headingAnchors,
  headingSlug,
  lineCount,
  linkTargets,
  markdownPages,
} from "../../devtools/docs-check";
import { REPO_ROOT, findRepoRoot } from "../../devtools/repo-root";

describe("README.md and docs/", () => {
  it(`README.md has at most ${README_MAX_LINES} lines`, () => {
    expect(lineCount(readFileSync(README_FILE, "utf8"))).to.be.at.most(README_MAX_LINES);
  });

  it("every relative link reaches an existing file and heading", () => {
    expect(docsProblems()).to.deep.equal([]);
  });

  it("checks README.md and every page of docs/", () => {
    const pages = markdownPages().map((f) => path.basename(f));
    expect(pages[0]).to.equal("README.md");
    expect(pages).to.include.members(["lifecycles.md", "configuration.md", "development.md"]);
  });
});

describe("the docs check itself", () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), "docs-check-"));
    mkdirSync(path.join(root, "docs"));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const write = (rel: string, text: string): string => {
    const file = path.join(root, rel);
    writeFileSync(file, text);
    return file;
  };

  it("counts lines as wc -l does and refuses a README over the limit", () => {
    expect(lineCount("")).to.equal(0);
    expect(lineCount("a\nb\n")).to.equal(2);
    expect(lineCount("a\nb")).to.equal(2);
    write("README.md", "line\n".repeat(README_MAX_LINES));
    expect(docsProblems(root)).to.deep.equal([]);
    write("README.md", "line\n".repeat(README_MAX_LINES + 1));
    expect(docsProblems(root)).to.deep.equal([
      `README.md: ${README_MAX_LINES + 1} lines (at most ${README_MAX_LINES})`,
    ]);
  });

  it("names a link to a missing file, from the README and from a page of docs/", () => {
    write("docs/ops.md", "# Ops\n\nBack to the [README](../README.md), [gone](gone.md).\n");
    const readme = write(
      "README.md",
      '# R\n\n[ops](docs/ops.md) [missing](docs/missing.md) <img src="docs/shot.png">\n',
    );
    expect(brokenLinks(readme, root)).to.deep.equal([
      "README.md: docs/missing.md (no such file)",
      "README.md: docs/shot.png (no such file)",
    ]);
    expect(docsProblems(root)).to.include("docs/ops.md: gone.md (no such file)");
  });

  it("names a link to a heading the page does not have, in that page or another", () => {
    write("docs/ops.md", "# Ops\n\n## The HeyGen webhook: `heygen_webhook`\n");
    const readme = write(
      "README.md",
      [
        "# Masky",
        "## Quick start",
        "[ok](docs/ops.md#the-heygen-webhook-heygen_webhook) [here](#quick-start)",
        "[bad](docs/ops.md#webhook) [bad here](#quick-stop)",
      ].join("\n\n"),
    );
    expect(brokenLinks(readme, root)).to.deep.equal([
      "README.md: docs/ops.md#webhook (no heading #webhook in docs/ops.md)",
      "README.md: #quick-stop (no heading #quick-stop in README.md)",
    ]);
  });

  it("ignores external links and anything inside code", () => {
    const md = [
      "[site](https://example.com/x.md) [mail](mailto:a@b.c)",
      "`[not](a-link.md)`",
      "```md",
      "[not](either.md)",
      "## Not a heading",
      "```",
      "[real](real.md)",
    ].join("\n");
    expect(linkTargets(md)).to.deep.equal(["https://example.com/x.md", "mailto:a@b.c", "real.md"]);
    expect(headingAnchors(md).size).to.equal(0);
    const readme = write("README.md", md);
    expect(brokenLinks(readme, root)).to.deep.equal(["README.md: real.md (no such file)"]);
  });

  it("makes GitHub's anchors: punctuation dropped, each space a hyphen, repeats numbered", () => {
    expect(headingSlug("Adding a param: one edit")).to.equal("adding-a-param-one-edit");
    expect(headingSlug("Flaky or not: `npm run test:repeat -- N`")).to.equal(
      "flaky-or-not-npm-run-testrepeat----n",
    );
    expect([...headingAnchors("# Tests\n\n## Tests\n\n### Tests\n")]).to.deep.equal([
      "tests",
      "tests-1",
      "tests-2",
    ]);
  });
});

describe("the repository root the docs tools use", () => {
  it("is the folder holding firebase.json, README.md, docs/ and functions/", () => {
    for (const entry of ["firebase.json", "README.md", "docs", "functions"])
      expect(existsSync(path.join(REPO_ROOT, entry)), entry).to.equal(true);
    expect(REPO_ROOT).to.equal(findRepoRoot(__dirname));
  });

  it("is found from a copy of functions/ nested inside it (Stryker's sandbox)", () => {
    const root = mkdtempSync(path.join(tmpdir(), "repo-root-"));
    try {
      const sandbox = path.join(root, "functions", ".stryker-tmp", "sandbox-1", "devtools");
      mkdirSync(sandbox, { recursive: true });
      expect(() => findRepoRoot(sandbox)).to.throw(/no firebase\.json/);
      writeFileSync(path.join(root, "firebase.json"), "{}\n");
      expect(findRepoRoot(sandbox)).to.equal(root);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

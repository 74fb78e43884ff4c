// Every picture the docs link (docs/**/*.md: Markdown images and <img src>)
// exists in the repository. The playground's pictures are written by the
// end-to-end run: `npm run doc-images`.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync, existsSync, statSync } from "node:fs";
import { join, dirname, resolve, relative } from "node:path";
import { fileURLToPath } from "node:url";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const docs = join(repo, "docs");

function markdownFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return markdownFiles(path);
    return name.endsWith(".md") ? [path] : [];
  });
}

/// The local images a Markdown text links: `![alt](target "title")` and `<img src="target">`.
export function imageLinks(text) {
  const links = [];
  for (const m of text.matchAll(/!\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) links.push(m[1]);
  for (const m of text.matchAll(/<img\b[^>]*\bsrc\s*=\s*["']([^"']+)["']/gi)) links.push(m[1]);
  return links.filter((l) => !/^[a-z][a-z0-9+.-]*:/i.test(l)).map((l) => decodeURIComponent(l.split("#")[0]));
}

test("the link finder sees Markdown images and <img> tags, not other links", () => {
  assert.deepEqual(imageLinks('![a](images/x.png) [b](c.md) <img alt="y" src="y.png"> ![r](https://e.org/z.png)'), [
    "images/x.png",
    "y.png",
  ]);
});

test("every image the docs link exists", () => {
  const missing = [];
  let count = 0;
  for (const file of markdownFiles(docs)) {
    for (const link of imageLinks(readFileSync(file, "utf8"))) {
      count += 1;
      const target = link.startsWith("/") ? join(repo, link) : resolve(dirname(file), link);
      if (!existsSync(target)) missing.push(`${relative(repo, file)}: ${link}`);
    }
  }
  assert.ok(count >= 6, `only ${count} image links found in docs/: the finder is broken`);
  assert.deepEqual(missing, []);
});

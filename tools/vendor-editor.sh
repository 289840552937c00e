#!/bin/sh
# Rebuild the browser code that `sdgkg serve` ships, from npm, with pinned versions:
#   - the query editor: CodeMirror 6 + codemirror-lang-sparql, bundled with esbuild from
#     tools/editor/editor.js into src/sdgkg/server/static/vendor/editor.js;
#   - the graph picture's library: cytoscape's own minified build, copied as it is.
# Each package's licence is copied beside them (static/vendor/licenses/), and a manifest
# lists name, version and licence of every package in the bundle.
#
# Usage: tools/vendor-editor.sh   (needs node and npm; the output is committed, so serving
# and testing never need either, nor the network)
set -eu

here=$(cd "$(dirname "$0")" && pwd)
out="$here/../src/sdgkg/server/static/vendor"
cd "$here/editor"

npm ci --no-audit --no-fund --ignore-scripts
# esbuild's postinstall only links its platform binary; run it explicitly.
node node_modules/esbuild/install.js

rm -rf "$out"
mkdir -p "$out/licenses"
npx --no-install esbuild editor.js --bundle --minify --format=iife --target=es2020 \
  --legal-comments=none --outfile="$out/editor.js" --metafile=meta.json
cp node_modules/cytoscape/dist/cytoscape.min.js "$out/cytoscape.min.js"

# The licences of everything in the output: the bundle's inputs, and cytoscape.
node - "$out" <<'EOF'
const fs = require("fs");
const path = require("path");
const out = process.argv[2];
const meta = JSON.parse(fs.readFileSync("meta.json", "utf8"));
const packages = new Set(["cytoscape"]);
for (const input of Object.keys(meta.inputs)) {
  const match = input.match(/node_modules\/((?:@[^/]+\/)?[^/]+)\//);
  if (match) packages.add(match[1]);
}
const lines = [];
for (const name of [...packages].sort()) {
  const dir = path.join("node_modules", name);
  const info = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"));
  const file = fs.readdirSync(dir).find((f) => /^licen[cs]e/i.test(f));
  if (!file) throw new Error(`${name} ships no licence file`);
  const target = name.replace("/", "__") + ".txt";
  fs.copyFileSync(path.join(dir, file), path.join(out, "licenses", target));
  lines.push(`${name} ${info.version} ${info.license} licenses/${target}`);
}
fs.writeFileSync(path.join(out, "MANIFEST.txt"),
  "# Built by tools/vendor-editor.sh: package, version, licence, licence text\n" +
  lines.join("\n") + "\n");
EOF
rm -f meta.json
echo "vendored into $out:" >&2
cat "$out/MANIFEST.txt" >&2

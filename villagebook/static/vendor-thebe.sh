#!/usr/bin/env bash
# Vendor what "run this page" loads (make serve only), from their npm packages, never a CDN:
#   thebe-core's browser bundle (dist/lib) into villagebook/static/thebe-core/: talks to the
#     kernel and draws each output;
#   markdown-it's (dist/browser) beside it: turns a cell's Markdown output (a page's story) into
#     HTML, as MyST-NB does in the book (markdown-it-py is its Python port).
# Run again to update: bash villagebook/static/vendor-thebe.sh [THEBE_CORE_VERSION] [MARKDOWN_IT_VERSION]
# (then review the diff).
set -euo pipefail
thebe="${1:-0.5.0}"
markdown="${2:-15.0.3}"
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
npm pack --silent "thebe-core@$thebe" "markdown-it@$markdown" >/dev/null
mkdir thebe markdown
tar xzf "thebe-core-$thebe.tgz" -C thebe
tar xzf "markdown-it-$markdown.tgz" -C markdown
rm -rf "$here/thebe-core"
mkdir -p "$here/thebe-core"
# The bundle and its lazily loaded chunks and licences; not the source maps, nor its styles
# (JupyterLab's light theme, page-wide: the outputs take the book's own, live.css adds the rest).
cp thebe/package/dist/lib/*.js thebe/package/dist/lib/*.LICENSE.txt "$here/thebe-core/"
cp thebe/package/LICENSE "$here/thebe-core/LICENSE"
cp markdown/package/dist/browser/markdown-it.umd.min.js "$here/thebe-core/markdown-it.min.js"
cp markdown/package/LICENSE "$here/thebe-core/markdown-it.LICENSE"
printf 'thebe-core %s (npm, dist/lib)\nmarkdown-it %s (npm, dist/browser/markdown-it.umd.min.js)\n' "$thebe" "$markdown" \
  > "$here/thebe-core/VERSION"

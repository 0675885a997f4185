#!/bin/sh
# Build the front-end assets into static/vendor/ (git-ignored; served by Django/WhiteNoise, never a CDN).
#
#   static/vendor/nhsuk/  NHS.UK frontend: compiled CSS and JS (an ES module: initAll), icons, favicons,
#                         web manifest. The NHS Frutiger web font is licensed for nhs.uk hosts and is
#                         fetched from assets.nhs.uk, so its @font-face rules are removed: text falls back
#                         to Arial, the design system's own fallback.
#   static/vendor/axe/    axe-core, injected by the browser tests only.
#
# `npm ci` runs only when node_modules is missing or older than package-lock.json.
# Usage: scripts/build_assets.sh   (from anywhere; needs Node 20.9+ and npm)
set -eu

ROOT=$(CDPATH= cd -- "$(dirname -- "$0")/.." && pwd)
cd "$ROOT"

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    echo "build_assets: npm ci"
    npm ci --no-audit --no-fund --loglevel=error
fi

DIST=node_modules/nhsuk-frontend/dist/nhsuk
AXE=node_modules/axe-core/axe.min.js
for required in "$DIST/nhsuk-frontend.min.css" "$DIST/nhsuk-frontend.min.js" "$DIST/assets/images" "$AXE"; do
    if [ ! -e "$required" ]; then
        echo "build_assets: $required is missing; has the nhsuk-frontend or axe-core layout changed?" >&2
        exit 1
    fi
done

# Build beside the target and swap it in, so a half-built vendor directory is never served.
VENDOR=static/vendor
BUILD=$(mktemp -d "$ROOT/static/.vendor-build.XXXXXX")
trap 'rm -rf "$BUILD"' EXIT
mkdir -p "$BUILD/nhsuk" "$BUILD/axe"

cp -R "$DIST/assets" "$BUILD/nhsuk/assets"
cp "$AXE" "$BUILD/axe/axe.min.js"

# The compiled CSS points at /assets/images/... (the site root) and at assets.nhs.uk for fonts.
# Make the image URLs relative to the stylesheet, drop the remote font faces, and drop the source map
# comments (the maps are not copied, and a dangling one would fail `collectstatic` with a manifest).
node - "$DIST" "$BUILD/nhsuk" <<'JS'
const fs = require("fs");
const path = require("path");
const [dist, out] = process.argv.slice(2);

let css = fs.readFileSync(path.join(dist, "nhsuk-frontend.min.css"), "utf8");
css = css.replace(/url\((["']?)\/assets\//g, "url($1assets/");
css = css.replace(/@font-face\{[^}]*assets\.nhs\.uk[^}]*\}/g, "");
css = css.replace(/\/\*# sourceMappingURL=[^*]*\*\/\s*$/, "");
if (/https?:\/\//.test(css.replace(/http:\/\/www\.w3\.org\/2000\/svg/g, ""))) {
  console.error("build_assets: the NHS.UK stylesheet still loads something from another host");
  process.exit(1);
}
fs.writeFileSync(path.join(out, "nhsuk-frontend.min.css"), css);

let js = fs.readFileSync(path.join(dist, "nhsuk-frontend.min.js"), "utf8");
js = js.replace(/\/\/# sourceMappingURL=\S*\s*$/, "\n");
fs.writeFileSync(path.join(out, "nhsuk-frontend.min.js"), js);
JS

VERSION=$(node -p 'require("./node_modules/nhsuk-frontend/package.json").version')
AXE_VERSION=$(node -p 'require("./node_modules/axe-core/package.json").version')
printf 'nhsuk-frontend %s\naxe-core %s\n' "$VERSION" "$AXE_VERSION" > "$BUILD/VERSIONS"

rm -rf "$VENDOR.old"
if [ -d "$VENDOR" ]; then mv "$VENDOR" "$VENDOR.old"; fi
mv "$BUILD" "$VENDOR"
rm -rf "$VENDOR.old"
trap - EXIT
echo "build_assets: static/vendor built (nhsuk-frontend $VERSION, axe-core $AXE_VERSION)"

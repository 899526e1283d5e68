#!/usr/bin/env bash
# Unpack the crates Herald patches into target/patched/<name>-<version>, from crates.io's
# own archive (checked against its SHA-256, the checksum Cargo.lock recorded for it) with
# scripts/patches/<name>-<version>.patch applied; Cargo.toml's [patch.crates-io] builds
# them from there. Runs in a moment when the copy is already there with this patch.
#
# tachys 0.2.19 (Leptos' renderer): its type-erased view (`AnyView`) keeps a pointer to an
# async copy of each erased view's hydration, used only by lazy routes (`hydrate_lazy`),
# which Herald does not use; nothing can drop it once stored, so it was about a fifth of
# the WebAssembly. The patch hydrates `AnyView` synchronously on both paths.
set -euo pipefail
cd "$(dirname "$0")/.."

# name version sha256 (of the .crate file, as in Cargo.lock before the patch)
CRATES=(
  "tachys 0.2.19 e47e2220bb9d2a3be976a22a0fb7685a0b84499bb11ea5cb3bbc82907675ac68"
)

for line in "${CRATES[@]}"; do
  read -r name version sum <<<"$line"
  dir="target/patched/$name-$version"
  patch="scripts/patches/$name-$version.patch"
  stamp="$(sha256sum "$patch" | cut -d' ' -f1) $sum"
  if [ -f "$dir/.herald-patch" ] && [ "$(cat "$dir/.herald-patch")" = "$stamp" ]; then
    continue
  fi
  echo "patch-crates: unpacking $name $version with $patch"
  archive=$(ls "${CARGO_HOME:-$HOME/.cargo}"/registry/cache/*/"$name-$version.crate" 2>/dev/null | head -1 || true)
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  if [ -z "$archive" ] || [ "$(sha256sum "$archive" | cut -d' ' -f1)" != "$sum" ]; then
    archive="$tmp/$name-$version.crate"
    curl -fsSL --retry 3 -o "$archive" "https://static.crates.io/crates/$name/$name-$version.crate"
  fi
  if [ "$(sha256sum "$archive" | cut -d' ' -f1)" != "$sum" ]; then
    echo "patch-crates: $name-$version.crate does not have the checksum Cargo.lock had" >&2
    exit 1
  fi
  tar -xzf "$archive" -C "$tmp"
  patch --quiet -p1 -d "$tmp/$name-$version" <"$patch"
  echo "$stamp" >"$tmp/$name-$version/.herald-patch"
  rm -rf "$dir"
  mkdir -p target/patched
  mv "$tmp/$name-$version" "$dir"
  rm -rf "$tmp"
  trap - EXIT
done

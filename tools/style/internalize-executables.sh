#!/usr/bin/env bash
# The worker and the scheduler are programs, not libraries: their types are internal (the test projects and the
# benchmarks see them through InternalsVisibleTo). Rewrites every top-level `public` type declaration of
# src/Worker and src/Scheduler (file-scoped namespaces: top-level types start at column 0) as `internal`.
# Idempotent; run from the repository root.
set -euo pipefail
cd "$(dirname "$0")/../.."
git ls-files 'src/Worker/*.cs' 'src/Scheduler/*.cs' | xargs sed -i -E 's/^public ((sealed|static|abstract|partial|readonly|record|enum|interface|class|struct|delegate)\b)/internal \1/'

#!/usr/bin/env bash
# The README's main job on the embedded defaults: start the local services, run one worker with the
# bundled MobileNetV2, index a folder (default: the bundled sample photos), print nearest neighbours.
# Ends by printing the search page's address; with --serve it keeps serving the page until Ctrl-C.
# Usage: scripts/demo.sh [--serve] [FOLDER] [QUERY_IMAGE]
set -euo pipefail
cd "$(dirname "$0")/.."
serve=false
if [[ "${1:-}" == "--serve" ]]; then serve=true; shift; fi
folder=${1:-samples/images}
query=${2:-samples/images/motorcycle_left.png}

scripts/services.sh up
eval "$(scripts/services.sh env)"

echo "== building (Release)"
dotnet build src/Worker/Pipeline.Worker.csproj -c Release -nologo -v quiet
dotnet build src/Scheduler/Pipeline.Scheduler.csproj -c Release -nologo -v quiet
pipeline() { dotnet src/Scheduler/bin/Release/net10.0/pipeline.dll "$@"; }

mkdir -p .local/logs
log=.local/logs/demo-worker.log
echo "== starting a worker (log: $log)"
dotnet src/Worker/bin/Release/net10.0/Pipeline.Worker.dll >"$log" 2>&1 &
worker=$!
stop_worker() { kill -TERM "$worker" 2>/dev/null && wait "$worker" || true; }
trap stop_worker EXIT
until grep -q "Worker ready" "$log"; do
  if ! kill -0 "$worker" 2>/dev/null; then cat "$log"; echo "worker failed to start" >&2; exit 1; fi
  sleep 0.5
done

echo "== indexing $folder"
pipeline enqueue --folder "$folder" --wait

echo "== nearest neighbours of $query"
pipeline search "$query" --top 5

cat <<SQL

The same query in plain SQL (psql -h 127.0.0.1 -p ${PIPELINE_PG_PORT:-55432} -U pipeline pipeline):
  SELECT b.uri, a.embedding <=> b.embedding AS cosine_distance
  FROM embeddings_mobilenetv2 a JOIN embeddings_mobilenetv2 b ON b.uri <> a.uri
  WHERE a.uri LIKE '%/motorcycle_left.png'
  ORDER BY a.embedding <=> b.embedding LIMIT 5;
SQL

port=${PIPELINE_Serve__Port:-8080}
if $serve; then
  echo
  echo "== the search page: http://127.0.0.1:$port/ (jobs: /jobs, models: /models, near-duplicates: /duplicates); Ctrl-C stops"
  pipeline serve --port "$port"
else
  echo
  echo "The search page: scripts/demo.sh --serve, then open http://127.0.0.1:$port/ (or: pipeline serve --port $port)"
fi

# Sourced by the HTTP benchmarks (api.sh, healthz-under-load.sh) from the repository root:
# wrk installed, the services up with their environment, and `bin` the release binary to
# measure — PORTRAIT_BIN (an already built one, e.g. another checkout's, for a before/after)
# or this checkout's, built now.
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
scripts/services up >/dev/null
eval "$(scripts/services env)"
bin=${PORTRAIT_BIN:-.build/release/portrait}
[[ -n ${PORTRAIT_BIN:-} ]] || swift-locked swift build -c release --product portrait
redis_port=${PORTRAIT_REDIS_PORT:-6379}

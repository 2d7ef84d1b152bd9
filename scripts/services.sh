#!/usr/bin/env bash
# Local services for the image-embedding pipeline (dev machines and CI):
#   PostgreSQL 15 + pgvector, RabbitMQ (Debian 3.10.x), Azurite blob emulator.
#
# Usage: scripts/services.sh [up|down|status|env]
#   up      install what is missing, start what is not running (default; idempotent)
#   down    stop all three services
#   restart postgres|rabbitmq|azurite   stop and start one service (fault tests)
#   stop|start postgres|rabbitmq|azurite  stop or start one service (outage tests)
#   status  one line per service
#   env     print `export` lines with the connection settings:  eval "$(scripts/services.sh env)"
#
# All state lives in <repo>/.local (git-ignored); everything listens on 127.0.0.1 only.
# Ports can be overridden: PIPELINE_PG_PORT (55432), PIPELINE_RABBITMQ_PORT (5672),
# PIPELINE_AZURITE_PORT (10000); RabbitMQ node name: PIPELINE_RABBITMQ_NODENAME (rabbit@localhost).
# Needs root (apt-get, and runuser to run Postgres/RabbitMQ as their own system users).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LOCAL="$ROOT/.local"
LOG_DIR="$LOCAL/logs"

PG_PORT="${PIPELINE_PG_PORT:-55432}"
RMQ_PORT="${PIPELINE_RABBITMQ_PORT:-5672}"
AZ_PORT="${PIPELINE_AZURITE_PORT:-10000}"
RMQ_NODENAME="${PIPELINE_RABBITMQ_NODENAME:-rabbit@localhost}"

PG_MAJOR=15
PG_BIN="/usr/lib/postgresql/$PG_MAJOR/bin"   # not /usr/local/bin or the pg_wrapper: pin the major
PG_DIR="$LOCAL/pg"
PGDATA="$PG_DIR/data"
PG_SOCK="$PG_DIR/run"
PG_LOG="$PG_DIR/log/postgres.log"
VECTOR_CONTROL="/usr/share/postgresql/$PG_MAJOR/extension/vector.control"

RMQ_DIR="$LOCAL/rabbitmq"
RMQ_PID="$RMQ_DIR/rabbit.pid"
RMQ_LIB="/usr/lib/rabbitmq/bin"   # the real scripts, bypassing the /usr/sbin wrapper's su + cd

AZ_DIR="$LOCAL/azurite"
AZ_PID="$AZ_DIR/azurite.pid"
AZ_LOG="$AZ_DIR/azurite.log"
TOOLS_SRC="$ROOT/tools/azurite"      # committed package.json + package-lock.json (exact pins)
TOOLS_DIR="$LOCAL/tools"
AZ_BIN="$TOOLS_DIR/node_modules/.bin/azurite-blob"

# Azurite's documented, public development-storage account key (not a secret).
AZ_ACCOUNT=devstoreaccount1
AZ_KEY='Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=='

export DEBIAN_FRONTEND=noninteractive

# ---------------------------------------------------------------- helpers

log() { printf '[services] %s\n' "$*" >&2; }
die() { printf '[services] ERROR: %s\n' "$*" >&2; exit 1; }

# Print the last lines of a log file to stderr (used before dying).
dump_log() {
    local file=$1
    [[ -f $file ]] || { log "(no log at $file)"; return 0; }
    log "---- last lines of $file ----"
    tail -n "${2:-40}" "$file" | sed 's/^/    /' >&2
    log "----"
}

require_root() {
    [[ $(id -u) -eq 0 ]] || die "'$1' needs root (apt-get, runuser); run it as root, e.g. with sudo"
}

# True when something accepts TCP connections on 127.0.0.1:$1.
port_open() { timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null; }

# A process that exists and is not a zombie (PID 1 in some containers reaps late).
pid_alive() {
    [[ -n ${1:-} && -r /proc/$1/stat ]] || return 1
    local state
    state=$(sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)
    [[ -n $state && $state != Z ]]
}
pid_gone() { ! pid_alive "${1:-}"; }
port_closed() { ! port_open "$1"; }
pid_from() { if [[ -r $1 ]]; then head -n1 "$1" | tr -dc '0-9'; fi; }

# Who listens on a port, for error messages.
port_owner() { if command -v ss >/dev/null; then ss -Hltnp "sport = :$1" 2>/dev/null || true; fi; }

die_port_taken() {
    die "$1: port 127.0.0.1:$2 is already in use by another process: $(port_owner "$2")
  stop it or pick another port with $3=<port>"
}

in_dir() { (cd "$1" && shift && "$@"); }

# Run a command with its output appended to a log file; on failure show the tail and die.
run_logged() {
    local logfile=$1 what=$2; shift 2
    mkdir -p "$(dirname "$logfile")"
    if ! "$@" >>"$logfile" 2>&1; then
        dump_log "$logfile"
        die "$what failed (full log: $logfile)"
    fi
}

# wait_for SECONDS COMMAND...: retry COMMAND (a function is fine) until it succeeds or time runs out.
wait_for() {
    local deadline=$((SECONDS + $1)); shift
    until "$@"; do
        ((SECONDS < deadline)) || return 1
        sleep 0.3
    done
}

# initdb/pg_ctl refuse to run as root and the RabbitMQ node runs as its package user;
# the data directories live in the repo, so every parent must be traversable by them.
ensure_traversable() {
    local user=$1 dir=$2
    can_enter "$user" "$dir" && return 0
    # Walk from / downwards so each check only depends on parents already fixed.
    local d="" part
    local -a parts
    IFS=/ read -ra parts <<<"${dir#/}"
    for part in "${parts[@]}"; do
        d="$d/$part"
        [[ $d == "$dir" ]] && break
        can_enter "$user" "$d" && continue
        log "chmod o+x $d (so '$user' can reach $dir)"
        chmod o+x "$d"
    done
}

can_enter() { (cd / && runuser -u "$1" -- test -x "$2") 2>/dev/null; }

# ---------------------------------------------------------------- apt

APT_UPDATED=0
APT_LOG="$LOG_DIR/apt.log"

apt_update_once() {
    ((APT_UPDATED)) && return 0
    log "apt-get update"
    run_logged "$APT_LOG" "apt-get update" apt-get -o Acquire::Retries=3 update
    APT_UPDATED=1
}

pkg_installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

# Package postinst scripts (rabbitmq-server, postgresql) try to start their own
# system-wide service via invoke-rc.d; we run our own instances, so deny that
# during the install (Docker-style policy-rc.d, only if none exists already).
without_service_autostart() {
    local policy=/usr/sbin/policy-rc.d created=0 rc=0
    if [[ ! -e $policy ]]; then
        printf '#!/bin/sh\n# temporary, from scripts/services.sh\nexit 101\n' >"$policy"
        chmod 755 "$policy"
        created=1
    fi
    "$@" || rc=$?
    ((created)) && rm -f "$policy"
    return "$rc"
}

# apt-get install only the packages that are not installed yet.
apt_install() {
    local missing=() p
    for p in "$@"; do pkg_installed "$p" || missing+=("$p"); done
    ((${#missing[@]})) || return 0
    apt_update_once
    log "apt-get install ${missing[*]}"
    run_logged "$APT_LOG" "apt-get install ${missing[*]}" \
        without_service_autostart apt-get -o Acquire::Retries=3 install -y --no-install-recommends "${missing[@]}"
}

apt_has_candidate() {
    local c
    c=$(apt-cache policy "$1" 2>/dev/null | awk '/Candidate:/ {print $2}')
    [[ -n $c && $c != "(none)" ]]
}

# Print "URI<TAB>SIGNED-BY" of the machine's main Debian archive entry (the one
# carrying this release's codename), read from deb822 *.sources files or
# one-line sources.list entries. We never hard-code a mirror host.
debian_mirror() {
    local codename
    codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
    [[ -n $codename ]] || return 1
    local f found=""
    for f in /etc/apt/sources.list.d/*.sources; do
        [[ -f $f && $f != "$TRIXIE_SRC_FILE" ]] || continue
        found=$(awk -v cn="$codename" '
            function flush() {
                if (uri != "" && types ~ /(^| )deb( |$)/ && (" " suites " ") ~ (" " cn " ") && enabled != "no") {
                    print uri "\t" key; done = 1; exit
                }
                types = uri = suites = key = enabled = ""
            }
            /^[ \t]*$/ { flush(); next }
            /^[ \t]*#/ { next }
            /^[^ \t]/ {
                field = tolower($1); sub(/:$/, "", field)
                val = $0; sub(/^[^:]*:[ \t]*/, "", val)
                if (field == "types") types = val
                else if (field == "uris") { split(val, u, /[ \t]+/); uri = u[1] }
                else if (field == "suites") { suites = val; gsub(/[ \t]+/, " ", suites) }
                else if (field == "signed-by" && val ~ /^\//) key = val
                else if (field == "enabled") enabled = tolower(val)
            }
            END { if (!done) flush() }' "$f")
        [[ -n $found ]] && { printf '%s\n' "$found"; return 0; }
    done
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [[ -f $f ]] || continue
        found=$(awk -v cn="$codename" '
            $1 != "deb" { next }
            {
                i = 2; key = ""
                if ($2 ~ /^\[/) {   # [ option=value ... ]
                    for (; i <= NF; i++) {
                        if ($i ~ /^\[?signed-by=/) { key = $i; sub(/^\[?signed-by=/, "", key); sub(/\]$/, "", key) }
                        if ($i ~ /\]$/) { i++; break }
                    }
                }
                if ($(i + 1) == cn) { print $i "\t" key; exit }
            }' "$f")
        [[ -n $found ]] && { printf '%s\n' "$found"; return 0; }
    done
    return 1
}

# ---------------------------------------------------------------- install

install_packages() {
    local pkgs=("postgresql-$PG_MAJOR" "postgresql-client-$PG_MAJOR" rabbitmq-server ca-certificates)
    # Debian's nodejs has no npm; NodeSource's does. Only add what is missing.
    command -v node >/dev/null || pkgs+=(nodejs)
    command -v npm >/dev/null || pkgs+=(npm)
    apt_install "${pkgs[@]}"
}

# Native libraries the tests need at runtime (OpenCvSharp's native runtime links GTK 3).
install_runtime_deps() {
    apt_install libgtk-3-0
}

TRIXIE_SRC_FILE=/etc/apt/sources.list.d/pipeline-pgvector-src.sources

# pgvector is not packaged for bookworm's PostgreSQL 15 in the main archive; use the
# binary package if this machine's apt sources have one, else build trixie's source package.
install_pgvector() {
    [[ -f $VECTOR_CONTROL ]] && return 0
    apt_update_once
    if apt_has_candidate "postgresql-$PG_MAJOR-pgvector"; then
        apt_install "postgresql-$PG_MAJOR-pgvector"
    else
        build_pgvector
    fi
    [[ -f $VECTOR_CONTROL ]] || die "pgvector installation finished but $VECTOR_CONTROL is missing"
}

build_pgvector() {
    local build_log="$LOG_DIR/pgvector-build.log" mirror uri key
    apt_install "postgresql-server-dev-$PG_MAJOR" build-essential dpkg-dev
    mirror=$(debian_mirror) || die "could not find the Debian mirror in /etc/apt/sources.list{,.d} to fetch pgvector's source"
    uri=${mirror%%$'\t'*}
    key=${mirror#*$'\t'}
    log "pgvector: fetching source package from trixie (deb-src, mirror taken from apt sources)"
    {
        echo "# Added by scripts/services.sh to fetch pgvector's source package; removed after download."
        echo "Types: deb-src"
        echo "URIs: $uri"
        echo "Suites: trixie"
        echo "Components: main"
        [[ -n $key ]] && echo "Signed-By: $key"
    } >"$TRIXIE_SRC_FILE"
    # Refresh only this source's index (the rest of the lists are left alone).
    run_logged "$build_log" "apt-get update (trixie deb-src)" \
        apt-get -o Acquire::Retries=3 update -o Dir::Etc::SourceList="$TRIXIE_SRC_FILE" -o Dir::Etc::SourceParts=- \
        -o APT::Get::List-Cleanup=0
    local src="$LOCAL/build/pgvector"
    rm -rf "$src"
    mkdir -p "$src"
    run_logged "$build_log" "apt-get source pgvector" \
        in_dir "$src" apt-get source --download-only pgvector/trixie
    rm -f "$TRIXIE_SRC_FILE"
    run_logged "$build_log" "dpkg-source -x pgvector" \
        in_dir "$src" sh -c 'dpkg-source -x pgvector_*.dsc tree'
    log "pgvector: building $(sed -n 's/^default_version = //p' "$src"/tree/vector.control 2>/dev/null | tr -d "'")"
    run_logged "$build_log" "pgvector make" make -C "$src/tree" -j"$(nproc)" PG_CONFIG="$PG_BIN/pg_config"
    run_logged "$build_log" "pgvector make install" make -C "$src/tree" install PG_CONFIG="$PG_BIN/pg_config"
}

# Azurite from npm, pinned (including transitive deps) by tools/azurite/package-lock.json.
install_azurite() {
    local stamp="$TOOLS_DIR/.lock-sha256" want
    want=$(sha256sum "$TOOLS_SRC/package-lock.json" | cut -d' ' -f1)
    [[ -x $AZ_BIN && -f $stamp && $(cat "$stamp") == "$want" ]] && return 0
    command -v npm >/dev/null || die "npm not found (expected it after installing nodejs/npm)"
    local major
    major=$(node -p 'process.versions.node.split(".")[0]')
    ((major >= 20)) || log "WARNING: node $(node -v) is older than 20; the pinned Azurite dependencies declare node >= 20"
    log "azurite: npm ci ($(node -p "require('$TOOLS_SRC/package.json').dependencies.azurite"))"
    mkdir -p "$TOOLS_DIR"
    cp "$TOOLS_SRC/package.json" "$TOOLS_SRC/package-lock.json" "$TOOLS_DIR/"
    # One retry: registry fetches occasionally hit idle timeouts; the retry reuses npm's cache.
    if ! in_dir "$TOOLS_DIR" npm ci --no-audit --no-fund --loglevel=error >>"$LOG_DIR/npm.log" 2>&1; then
        log "azurite: npm ci failed, retrying once"
        run_logged "$LOG_DIR/npm.log" "npm ci (azurite)" \
            in_dir "$TOOLS_DIR" npm ci --no-audit --no-fund --loglevel=error
    fi
    echo "$want" >"$stamp"
}

# ---------------------------------------------------------------- postgres

as_postgres() { (cd / && runuser -u postgres -- "$@"); }

pg_running() { [[ -f $PGDATA/PG_VERSION ]] && as_postgres "$PG_BIN/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1; }

pg_psql() {
    as_postgres "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$PG_SOCK" -p "$PG_PORT" -U postgres "$@"
}

pg_init() {
    [[ -f $PGDATA/PG_VERSION ]] && return 0
    log "postgres: initdb $PGDATA"
    # initdb into a temp dir and rename, so an interrupted run never leaves a half cluster.
    rm -rf "$PGDATA.tmp"
    as_postgres mkdir -p "$PGDATA.tmp"
    run_logged "$PG_DIR/log/initdb.log" "initdb" as_postgres "$PG_BIN/initdb" -D "$PGDATA.tmp" \
        -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 --no-instructions
    # Local development only: trust on the unix socket and on loopback TCP.
    cat >"$PGDATA.tmp/pg_hba.conf" <<'EOF'
# scripts/services.sh: local development cluster, loopback only.
local all all              trust
host  all all 127.0.0.1/32 trust
EOF
    echo "include_if_exists = 'pipeline.conf'" >>"$PGDATA.tmp/postgresql.conf"
    chown -R postgres:postgres "$PGDATA.tmp"
    mv "$PGDATA.tmp" "$PGDATA"
}

# Rewritten on every start so port overrides take effect.
pg_write_conf() {
    cat >"$PGDATA/pipeline.conf" <<EOF
# Generated by scripts/services.sh on each start; edit the script, not this file.
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$PG_SOCK'
max_connections = 200
shared_buffers = 256MB
maintenance_work_mem = 512MB
EOF
    chown postgres:postgres "$PGDATA/pipeline.conf"
}

# Idempotent: role, database and extension (cheap, also repairs a half-finished earlier run).
pg_bootstrap() {
    pg_psql -d postgres <<'SQL'
SELECT 'CREATE ROLE pipeline LOGIN SUPERUSER'
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'pipeline')\gexec
SELECT 'CREATE DATABASE pipeline OWNER pipeline'
 WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = 'pipeline')\gexec
SQL
    pg_psql -d pipeline -c "SET client_min_messages = warning; CREATE EXTENSION IF NOT EXISTS vector;"
}

pg_up() {
    mkdir -p "$PG_DIR"
    chown postgres:postgres "$PG_DIR"
    chmod 700 "$PG_DIR"
    ensure_traversable postgres "$PG_DIR"
    as_postgres mkdir -p "$PG_SOCK" "$(dirname "$PG_LOG")"
    if pg_running; then
        log "postgres: already running on 127.0.0.1:$PG_PORT"
    else
        pg_init
        port_open "$PG_PORT" && die_port_taken postgres "$PG_PORT" PIPELINE_PG_PORT
        pg_write_conf
        log "postgres: starting on 127.0.0.1:$PG_PORT"
        if ! as_postgres "$PG_BIN/pg_ctl" -D "$PGDATA" -l "$PG_LOG" -w -t 60 start >/dev/null; then
            dump_log "$PG_LOG"
            die "postgres did not start (log: $PG_LOG)"
        fi
    fi
    pg_bootstrap || { dump_log "$PG_LOG"; die "postgres: creating role/database/extension failed"; }
}

pg_down() {
    if pg_running; then
        log "postgres: stopping"
        as_postgres "$PG_BIN/pg_ctl" -D "$PGDATA" -m fast -w -t 60 stop >/dev/null
    else
        log "postgres: not running"
    fi
}

pg_status() {
    if pg_running; then
        echo "postgres  running  127.0.0.1:$PG_PORT  pid $(pid_from "$PGDATA/postmaster.pid")  pgvector $(pg_psql -d pipeline -tAc "select extversion from pg_extension where extname='vector'" 2>/dev/null || echo '?')"
    else
        echo "postgres  stopped"
    fi
}

# ---------------------------------------------------------------- rabbitmq

# The node runs as the package's 'rabbitmq' user (runuser sets HOME=/var/lib/rabbitmq),
# so the server and every rabbitmqctl call share /var/lib/rabbitmq/.erlang.cookie —
# the same cookie the stock /usr/sbin/rabbitmqctl wrapper uses when run as root.
rmq_env() {
    export RABBITMQ_NODENAME="$RMQ_NODENAME"
    export RABBITMQ_NODE_IP_ADDRESS=127.0.0.1
    export RABBITMQ_NODE_PORT="$RMQ_PORT"
    export RABBITMQ_DIST_PORT=$((RMQ_PORT + 20000))
    export RABBITMQ_MNESIA_BASE="$RMQ_DIR/mnesia"
    export RABBITMQ_LOG_BASE="$RMQ_DIR/log"
    export RABBITMQ_PID_FILE="$RMQ_PID"
    # Our own (near-empty) config files, so nothing under /etc/rabbitmq applies.
    export RABBITMQ_CONF_ENV_FILE="$RMQ_DIR/rabbitmq-env.conf"
    export RABBITMQ_CONFIG_FILE="$RMQ_DIR/rabbitmq.conf"
    export RABBITMQ_ADVANCED_CONFIG_FILE="$RMQ_DIR/advanced.config"
    export RABBITMQ_ENABLED_PLUGINS_FILE="$RMQ_DIR/enabled_plugins"
    # Erlang distribution (node port, epmd, CLI) on loopback only as well.
    export RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
    export RABBITMQ_CTL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
    export ERL_EPMD_ADDRESS=127.0.0.1
    export ERL_CRASH_DUMP="$RMQ_DIR/log/erl_crash.dump"
}

as_rabbitmq() { (cd / && rmq_env && runuser -u rabbitmq -- "$@"); }
rmqctl() { as_rabbitmq "$RMQ_LIB/rabbitmqctl" "$@"; }

# Fast check (no Erlang VM start): our pid file names a live Erlang VM and the AMQP port answers.
rmq_running() {
    local pid
    pid=$(pid_from "$RMQ_PID")
    pid_alive "$pid" && grep -qa beam "/proc/$pid/cmdline" && port_open "$RMQ_PORT"
}

rmq_write_config() {
    mkdir -p "$RMQ_DIR/mnesia" "$RMQ_DIR/log"
    : >"$RMQ_DIR/rabbitmq-env.conf"
    # No plugins: the management UI is not needed (and keeps startup fast).
    echo '[].' >"$RMQ_DIR/enabled_plugins"
    cat >"$RMQ_DIR/rabbitmq.conf" <<'EOF'
# Generated by scripts/services.sh. Listener address/port come from RABBITMQ_NODE_* env vars.
# guest/guest may connect from loopback only (RabbitMQ default).
loopback_users.guest = true
log.file.level = info
EOF
    chown -R rabbitmq:rabbitmq "$RMQ_DIR"
}

# Without systemd the package's init script may still have started a system-wide node
# (rabbit@<hostname>, /etc/rabbitmq config) on install; it would hold our AMQP port.
stop_package_rabbitmq() {
    port_open "$RMQ_PORT" || return 0
    # The init script checks its own default node (our RABBITMQ_* env is not exported here).
    if [[ -x /etc/init.d/rabbitmq-server ]] && /etc/init.d/rabbitmq-server status >/dev/null 2>&1; then
        log "rabbitmq: stopping the package's own rabbitmq-server service (it holds port $RMQ_PORT)"
        /etc/init.d/rabbitmq-server stop >/dev/null 2>&1 || true
        wait_for 30 port_closed "$RMQ_PORT" || true
    fi
}

rmq_up() {
    mkdir -p "$RMQ_DIR"
    ensure_traversable rabbitmq "$RMQ_DIR"
    if rmq_running; then
        log "rabbitmq: already running on 127.0.0.1:$RMQ_PORT ($RMQ_NODENAME)"
        return 0
    fi
    # A node of ours that lost its pid file (or is half started) is still reachable by name.
    if rmqctl -q ping >/dev/null 2>&1 && port_open "$RMQ_PORT"; then
        log "rabbitmq: already running on 127.0.0.1:$RMQ_PORT ($RMQ_NODENAME)"
        return 0
    fi
    stop_package_rabbitmq
    port_open "$RMQ_PORT" && die_port_taken rabbitmq "$RMQ_PORT" PIPELINE_RABBITMQ_PORT
    rmq_write_config
    rm -f "$RMQ_PID"
    log "rabbitmq: starting $RMQ_NODENAME on 127.0.0.1:$RMQ_PORT"
    local startup_log="$RMQ_DIR/log/startup.log"
    if ! as_rabbitmq "$RMQ_LIB/rabbitmq-server" -detached >"$startup_log" 2>&1; then
        dump_log "$startup_log"
        die "rabbitmq-server -detached failed"
    fi
    # 'wait' follows the pid file and returns when the app is running (or the process died).
    if ! rmqctl wait --timeout 120 "$RMQ_PID" >>"$startup_log" 2>&1 ||
        ! rmqctl await_startup --timeout 60 >>"$startup_log" 2>&1; then
        dump_log "$startup_log" 20
        dump_log "$RMQ_DIR/log/$RMQ_NODENAME.log"
        die "rabbitmq did not come up (logs: $RMQ_DIR/log)"
    fi
    port_open "$RMQ_PORT" || { dump_log "$RMQ_DIR/log/$RMQ_NODENAME.log"; die "rabbitmq is up but 127.0.0.1:$RMQ_PORT does not answer"; }
}

rmq_down() {
    local pid
    pid=$(pid_from "$RMQ_PID")
    if pid_alive "$pid" || rmqctl -q ping >/dev/null 2>&1; then
        log "rabbitmq: stopping"
        # With the pid file argument 'stop' also waits for the OS process to exit.
        if [[ -f $RMQ_PID ]]; then rmqctl -q stop "$RMQ_PID" >/dev/null 2>&1 || true; else rmqctl -q stop >/dev/null 2>&1 || true; fi
        if pid_alive "$pid"; then
            kill "$pid" 2>/dev/null || true
            wait_for 20 pid_gone "$pid" || kill -9 "$pid" 2>/dev/null || true
        fi
        rm -f "$RMQ_PID"
    else
        log "rabbitmq: not running"
    fi
}

rmq_status() {
    if rmq_running; then
        echo "rabbitmq  running  127.0.0.1:$RMQ_PORT  pid $(pid_from "$RMQ_PID")  node $RMQ_NODENAME"
    else
        echo "rabbitmq  stopped"
    fi
}

# ---------------------------------------------------------------- azurite

az_pid() {
    local pid
    pid=$(pid_from "$AZ_PID")
    # Guard against pid reuse: the process must still be our azurite.
    pid_alive "$pid" && grep -qa azurite "/proc/$pid/cmdline" 2>/dev/null && echo "$pid"
    return 0
}

az_started() { pid_gone "$1" && return 0; port_open "$AZ_PORT"; }   # 0 = stop waiting

az_running() { [[ -n $(az_pid) ]] && port_open "$AZ_PORT"; }

az_up() {
    if az_running; then
        log "azurite: already running on 127.0.0.1:$AZ_PORT"
        return 0
    fi
    port_open "$AZ_PORT" && die_port_taken azurite "$AZ_PORT" PIPELINE_AZURITE_PORT
    mkdir -p "$AZ_DIR/data"
    log "azurite: starting blob service on 127.0.0.1:$AZ_PORT"
    # setsid: own session, so it survives the calling shell/CI step and ignores its signals.
    setsid "$AZ_BIN" --blobHost 127.0.0.1 --blobPort "$AZ_PORT" --location "$AZ_DIR/data" \
        --skipApiVersionCheck --loose --disableTelemetry \
        >>"$AZ_LOG" 2>&1 </dev/null &
    local pid=$!
    echo "$pid" >"$AZ_PID"
    # Ready when the port answers; give up early if the process exits.
    wait_for 60 az_started "$pid" || true
    if ! az_running; then
        dump_log "$AZ_LOG"
        die "azurite did not come up on 127.0.0.1:$AZ_PORT (log: $AZ_LOG)"
    fi
}

az_down() {
    local pid
    pid=$(az_pid)
    if [[ -n $pid ]]; then
        log "azurite: stopping"
        kill "$pid" 2>/dev/null || true
        wait_for 15 pid_gone "$pid" || kill -9 "$pid" 2>/dev/null || true
    else
        log "azurite: not running"
    fi
    rm -f "$AZ_PID"
}

az_status() {
    if az_running; then
        local v
        v=$(node -p "require('$TOOLS_DIR/node_modules/azurite/package.json').version" 2>/dev/null || echo '?')
        echo "azurite   running  127.0.0.1:$AZ_PORT  pid $(az_pid)  v$v"
    else
        echo "azurite   stopped"
    fi
}

# ---------------------------------------------------------------- commands

cmd_up() {
    require_root up
    local t0=$SECONDS
    mkdir -p "$LOCAL" "$LOG_DIR"
    install_packages
    install_runtime_deps
    install_pgvector
    install_azurite
    pg_up
    rmq_up
    az_up
    log "all services up ($((SECONDS - t0)) s); connection settings: eval \"\$($0 env)\""
}

cmd_down() {
    require_root down
    az_down
    rmq_down
    pg_down
}

# Fault tests restart one service mid-job: stop it and start it again with the same state.
cmd_restart() {
    require_root restart
    case "${1:-}" in
        postgres) pg_down; pg_up ;;
        rabbitmq) rmq_down; rmq_up ;;
        azurite) az_down; az_up ;;
        *) die "restart needs one of: postgres | rabbitmq | azurite" ;;
    esac
}

# Outage tests stop one service for a while, then start it again with the same state.
cmd_one() {
    require_root "$1"
    case "${2:-}:$1" in
        postgres:stop) pg_down ;;
        postgres:start) pg_up ;;
        rabbitmq:stop) rmq_down ;;
        rabbitmq:start) rmq_up ;;
        azurite:stop) az_down ;;
        azurite:start) az_up ;;
        *) die "$1 needs one of: postgres | rabbitmq | azurite" ;;
    esac
}

cmd_status() {
    pg_status
    rmq_status
    az_status
}

cmd_env() {
    cat <<EOF
export PIPELINE_Postgres__ConnectionString="Host=127.0.0.1;Port=$PG_PORT;Username=pipeline;Database=pipeline"
export PIPELINE_RabbitMq__Uri="amqp://guest:guest@127.0.0.1:$RMQ_PORT/"
export PIPELINE_Blob__ConnectionString="DefaultEndpointsProtocol=http;AccountName=$AZ_ACCOUNT;AccountKey=$AZ_KEY;BlobEndpoint=http://127.0.0.1:$AZ_PORT/$AZ_ACCOUNT;"
EOF
}

main() {
    case "${1:-up}" in
        up) cmd_up ;;
        down) cmd_down ;;
        status) cmd_status ;;
        restart) cmd_restart "${2:-}" ;;
        stop | start) cmd_one "$1" "${2:-}" ;;
        env) cmd_env ;;
        -h | --help | help) sed -n '2,15p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' ;;
        *) die "unknown command '$1' (use: up | down | restart SERVICE | status | env)" ;;
    esac
}

# Run only when executed (sourcing just defines the functions, e.g. for testing).
if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
    main "$@"
fi

# shellcheck shell=bash
# Helpers shared by scripts/run, scripts/test, scripts/with-postgres and .ci/run.
# Sourced, never executed: it only defines things, and never changes the caller's cwd,
# so every script works from wherever it is started.

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
VENV="$REPO_ROOT/.venv"
# "scripts/test", ".ci/run", ...: messages name the script the user actually typed.
PROG="$(basename "$(dirname "$0")")/$(basename "$0")"

# The venv's own scripts are used by absolute path, so nobody has to activate it,
# and pip's "new version available" nag would only add noise to every first run.
export PIP_DISABLE_PIP_VERSION_CHECK=1

die() {
	printf '%s: error: %s\n' "$PROG" "$*" >&2
	exit 1
}

header() {
	printf '\n==> %s\n' "$*"
}

# Fails with one line unless $1 is a Python >= 3.11 (pyproject's requires-python):
# pip's own complaint about requires-python is long and easy to misread. $2: what to do then.
require_python() {
	local py=$1 fix=$2 version
	version=$("$py" -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])' 2>/dev/null) ||
		die "Python >= 3.11 is needed, but '$py' could not be run ($fix)"
	"$py" -c 'import sys; sys.exit(sys.version_info < (3, 11))' ||
		die "Python >= 3.11 is needed, but '$py' is Python $version ($fix)"
}

# True when .venv already holds an install of the current pyproject.toml for $1 (run|test).
# Only file tests, so a second `scripts/run` starts the bot without touching pip.
venv_is_current() {
	local kind=$1 stamp="$VENV/.installed-$1"
	[[ -x $VENV/bin/transition-coach && -f $stamp && ! $REPO_ROOT/pyproject.toml -nt $stamp ]] || return 1
	[[ $kind != test || (-x $VENV/bin/ruff && -x $VENV/bin/pytest && -x $VENV/bin/mypy) ]]
}

# Makes .venv (if missing) and `pip install -e` the project into it whenever pyproject.toml
# is newer than the stamp of the last install. $1: "run" installs the app, "test" adds
# the [test] extras (pytest, ruff, ...).
ensure_venv() {
	local kind=$1 spec=.
	[[ $kind == test ]] && spec='.[test]'
	venv_is_current "$kind" && return 0

	# Two scripts started together (a developer's run and test, say) must not run pip in
	# the same venv at once. The lock is on the repo directory, so it needs no extra file;
	# it is released below, so the long-running bot that scripts/run execs never holds it.
	if command -v flock >/dev/null 2>&1; then
		exec 9<"$REPO_ROOT"
		if ! flock -n 9; then
			printf '%s: waiting for another script to finish installing into .venv...\n' "$PROG" >&2
			flock 9
		fi
		# The other script may well have done our work while we waited.
		if venv_is_current "$kind"; then
			exec 9<&-
			return 0
		fi
	fi

	if [[ -x $VENV/bin/python ]]; then
		require_python "$VENV/bin/python" "delete .venv and run again with a newer python3 on PATH, or PYTHON=/path/to/python3.11"
	else
		require_python "${PYTHON:-python3}" "put a newer python3 on PATH, or set PYTHON=/path/to/python3.11"
		printf '%s: creating .venv with %s\n' "$PROG" "$("${PYTHON:-python3}" --version)" >&2
		"${PYTHON:-python3}" -m venv "$VENV" ||
			die "could not create .venv (on Debian/Ubuntu: apt-get install python3-venv)"
	fi

	printf '%s: installing %s into .venv (first run, or pyproject.toml changed)...\n' \
		"$PROG" "transition-coach${spec#.}" >&2
	# Even with --quiet, setuptools prints warnings on every editable build; they are
	# shown only if the install fails, when they may explain why.
	local log
	log=$(mktemp "${TMPDIR:-/tmp}/pip-install.XXXXXX")
	if ! (cd "$REPO_ROOT" && "$VENV/bin/python" -m pip install --quiet -e "$spec") >"$log" 2>&1; then
		cat "$log" >&2
		rm -f "$log"
		die "pip install -e '$spec' failed (its output is above)"
	fi
	rm -f "$log"

	touch "$VENV/.installed-$kind"
	# The test extras are a superset of the app, so scripts/run need not reinstall after them.
	[[ $kind == test ]] && touch "$VENV/.installed-run"
	exec 9<&-
	return 0
}

# Prints the directory holding PostgreSQL's server programs (initdb, pg_ctl, postgres),
# or returns 1 when there is none. Only the server matters: psql alone cannot start a cluster.
find_pg_bindir() {
	local dir candidates=() versioned=()
	if command -v pg_config >/dev/null 2>&1; then
		candidates+=("$(pg_config --bindir 2>/dev/null || true)")
	fi
	# Debian and Ubuntu keep the server off PATH, one directory per major version: newest first.
	mapfile -t versioned < <(printf '%s\n' /usr/lib/postgresql/*/bin | sort -rV)
	candidates+=("${versioned[@]}")
	# Homebrew, Nix, source builds... put them on PATH, sometimes as symlinks: follow those
	# to the real directory, where pg_ctl and postgres live beside initdb.
	if command -v initdb >/dev/null 2>&1; then
		candidates+=("$(dirname "$(readlink -f "$(command -v initdb)" 2>/dev/null || command -v initdb)")")
	fi
	for dir in "${candidates[@]}"; do
		if [[ -n $dir && -x $dir/initdb && -x $dir/pg_ctl && -x $dir/postgres ]]; then
			printf '%s\n' "$dir"
			return 0
		fi
	done
	return 1
}

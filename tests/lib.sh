# tests/lib.sh - what the e2e scripts share; sourced, from the repository
# root (where tests/run starts them):  . tests/lib.sh
#
# The runner's environment (FOLIO, SHARED, TMP) with defaults for running
# a script by hand, the protocol lines tests/run counts, and need_tools.
FOLIO=${FOLIO:-build/folio}
SHARED=${SHARED:-../shared}
TMP=${TMP:-$(mktemp -d)}

pass() { echo "PASS: $1"; }
fail() { echo "FAIL: $1: $2"; }
skip() { echo "SKIP: $1: $2"; }

# need_tools NAME TOOL...: if a tool is missing, the whole script NAME is
# reported skipped and ends here (make test-deps installs them).
need_tools() {
	local name=$1 tool
	shift
	for tool in "$@"; do
		if ! command -v "$tool" >/dev/null; then
			skip "$name" "$tool not installed (make test-deps)"
			exit 0
		fi
	done
}

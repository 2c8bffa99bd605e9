# Shared by bench/run and bench/chaos (sourced from the repository root).

# need <command> <Debian package>: installs the package when the command is missing (as root,
# or through passwordless sudo; non-interactively, as CI runs it).
need() {
  command -v "$1" >/dev/null && return
  echo "bench: $1 is missing, installing $2 with apt-get" >&2
  local sudo=""
  [[ "$(id -u)" -eq 0 ]] || sudo="sudo -n"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get install -y -q "$2" </dev/null >/dev/null ||
    { $sudo apt-get update -q </dev/null >/dev/null && $sudo apt-get install -y -q "$2" </dev/null >/dev/null; }
}

# build <"" | --quick> <cargo targets...>: release binaries for a real run; debug ones for the
# quick mode, which measures nothing and reuses what `cargo test` already built.
build() {
  local quick=$1
  shift
  local target_dir="${CARGO_TARGET_DIR:-target}"
  if [[ -n "$quick" ]]; then
    cargo build --quiet "$@"
    bin="$target_dir/debug"
  else
    cargo build --quiet --release "$@"
    bin="$target_dir/release"
  fi
  logs="$target_dir/bench"
  mkdir -p "$logs"
}

# Shared by pack.sh and release.sh (sourced from the repository root): the output directory from `-o DIR`
# (default: $1 of parse_args), the RIDs to build (default: this machine's) and the version from BuildInfo.cs.
#   parse_args <script name> <default out dir> "$@"   sets: out (absolute), rids (array), version
parse_args() {
  local script=$1; out=$2; shift 2
  if [ "${1:-}" = "-o" ]; then out=$2; shift 2; fi
  mkdir -p "$out"; out=$(cd "$out" && pwd)
  rids=("$@")
  if [ ${#rids[@]} -eq 0 ]; then
    case "$(uname -s)-$(uname -m)" in
      Linux-x86_64) rids=(linux-x64) ;; Linux-aarch64) rids=(linux-arm64) ;;
      Darwin-arm64) rids=(osx-arm64) ;; Darwin-x86_64) rids=(osx-x64) ;;
      *) echo "$script: name the RID (linux-x64, linux-arm64, osx-arm64, osx-x64, win-x64)" >&2; exit 64 ;;
    esac
  fi
  version=$(sed -n 's/.*Version = "\([^"]*\)".*/\1/p' src/Interlock.Runtime/BuildInfo.cs)
}

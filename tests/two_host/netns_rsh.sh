#!/usr/bin/env bash
# OpenMPI's rsh agent for the two-namespace "cluster": called as `netns_rsh.sh [opts] HOST CMD...`.
# "Logging in" to HOST enters the network namespace that holds HOST's address; the namespaces
# share the filesystem, so orted and latent are already there. Like ssh, the command words are
# joined and run by a shell (mpirun quotes its orted arguments for exactly that), and the login
# starts from a bare environment, so whatever the ranks need must travel with `mpirun -x`.
# TWO_HOST_MAP names each host's namespace: "10.77.0.1=ns-a 10.77.0.2=ns-b".
set -euo pipefail
while [[ $# -gt 0 && $1 == -* ]]; do shift; done  # ssh options mean nothing here
host=${1:?netns_rsh.sh: no host}
shift
for pair in ${TWO_HOST_MAP:?netns_rsh.sh: TWO_HOST_MAP is not set}; do
  if [[ ${pair%%=*} == "$host" ]]; then
    exec ip netns exec "${pair#*=}" env -i PATH="$PATH" HOME="${HOME:-/}" sh -c "$*"
  fi
done
echo "netns_rsh.sh: no namespace holds host $host" >&2
exit 255

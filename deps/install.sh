#!/bin/sh
# Installs the Debian packages slotcache builds and tests with, only when one is missing.
# Called by `make` and `make test`; safe to run by hand. Needs root (or sudo) on a fresh machine.
set -e
PKGS="g++ make pkg-config libuv1-dev libhiredis-dev libxxhash-dev libjemalloc-dev doctest-dev \
redis-tools redis-server python3-redis"
[ -n "$SLOTCACHE_FUZZ" ] && PKGS="$PKGS clang libclang-rt-14-dev"
missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "deps/install.sh: installing$missing"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# redis-server is only the benchmark/interop peer: never let the package start a system service.
made_policy=""
if [ ! -e /usr/sbin/policy-rc.d ]; then
    $SUDO sh -c 'printf "#!/bin/sh\nexit 101\n" > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d'
    made_policy=1
fi
$SUDO apt-get install -y -qq --no-install-recommends $missing
[ -n "$made_policy" ] && $SUDO rm -f /usr/sbin/policy-rc.d
exit 0

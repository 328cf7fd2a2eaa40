#!/bin/sh
# Installs the Debian packages `make test` needs beyond Go (idempotent):
#   nginx  the real origin of edge.TestNginxGzipOriginThroughEdge (gzip_types)
#          and the config check of the HTTPS benchmark phase.
#   openssl the browser test's HTTPS certificate (player-test/browser).
#   curl   the HTTPS/HTTP2 client of cmd/streamedge.TestCurlHTTPSAndHTTP2.
#   awscli the real `aws cloudfront` client of the signedurl and invalidation
#          tests (sign, create-invalidation, get/list, wait).
# The package's system service is kept from starting (a temporary
# policy-rc.d), so nothing listens on port 80 afterwards. Without root, a
# missing package is only reported: the tests that need it skip.
set -eu
missing=""
[ -x /usr/sbin/nginx ] || missing="$missing nginx"
[ -x /usr/bin/aws ] || missing="$missing awscli"
[ -x /usr/bin/openssl ] || missing="$missing openssl"
[ -x /usr/bin/curl ] || missing="$missing curl"
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
	echo "test-deps: missing:$missing (not root: the tests that need them skip)" >&2
	exit 0
fi
echo "test-deps: installing$missing with apt-get" >&2
export DEBIAN_FRONTEND=noninteractive
guard=""
if [ ! -e /usr/sbin/policy-rc.d ]; then
	printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d
	guard=1
fi
rc=0
# shellcheck disable=SC2086
apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends $missing >/dev/null 2>&1 ||
	{ apt-get -o DPkg::Lock::Timeout=600 update -qq && apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends $missing; } || rc=$?
[ -n "$guard" ] && rm -f /usr/sbin/policy-rc.d
exit $rc
